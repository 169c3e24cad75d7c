import { FfmpegRunner } from '@vidflow/media';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildEspeakArgs, EspeakSpeechProvider, espeakVoiceFor } from './espeak-speech.provider';
import { SpeechError } from './speech-provider';

describe('espeakVoiceFor', () => {
  it.each([
    ['en', 'en'],
    ['en-GB', 'en-gb'],
    ['pt-BR', 'pt-br'],
    ['zh', 'cmn'],
    ['zh-CN', 'cmn'],
    ['zh-Hans', 'cmn'],
    ['zh-TW', 'cmn'],
    ['zh-Hans-CN', 'cmn'],
    ['zh-HK', 'yue'],
  ])('%s -> %s', (language, voice) => {
    expect(espeakVoiceFor(language)).toBe(voice);
  });

  it('uses an explicit voice name over the language', () => {
    expect(espeakVoiceFor('zh', 'en-us')).toBe('en-us');
  });
});

describe('buildEspeakArgs', () => {
  const voice = { provider: 'espeak' as const, speed: 1 };

  it('passes voice and rate, reads the text from stdin and writes the WAV to stdout', () => {
    expect(buildEspeakArgs({ language: 'en', voice })).toEqual(['-v', 'en', '-s', '175', '--stdout', '--stdin']);
  });

  it('scales the words-per-minute with speed', () => {
    const wpm = (speed: number) => buildEspeakArgs({ language: 'en', voice: { ...voice, speed } })[3];
    expect(wpm(0.5)).toBe('88');
    expect(wpm(1.5)).toBe('263');
    expect(wpm(2)).toBe('350');
  });

  it('uses the mapped or named voice', () => {
    expect(buildEspeakArgs({ language: 'zh', voice }).slice(0, 2)).toEqual(['-v', 'cmn']);
    expect(buildEspeakArgs({ language: 'zh', voice: { ...voice, name: 'en-gb' } }).slice(0, 2)).toEqual(['-v', 'en-gb']);
  });

  it('never puts the text in the arguments (it has no text parameter at all)', () => {
    const request = { language: 'en', voice, text: '--version -w /etc/passwd' };
    const args = buildEspeakArgs(request);
    expect(args.join(' ')).not.toContain('--version');
    expect(args).not.toContain('/etc/passwd');
  });
});

describe('EspeakSpeechProvider (real espeak-ng)', () => {
  const provider = new EspeakSpeechProvider();
  const runner = new FfmpegRunner({ ffmpegPath: 'ffmpeg', ffprobePath: 'ffprobe' });
  let dir: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'vidflow-espeak-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes a WAV file that ffprobe reads', async () => {
    const output = join(dir, 'hello.wav');
    await provider.synthesize({ text: '-v xx Hello there.', language: 'en', voice: { provider: 'espeak', speed: 1 }, output });
    const probe = await runner.probe(output);
    expect(probe.format).toBe('wav');
    expect(probe.streams).toEqual([{ type: 'audio', codec: 'pcm_s16le' }]);
    expect(probe.durationSeconds).toBeGreaterThan(0.3);
  });

  it('writes the same file as espeak-ng -w, header sizes included', async () => {
    const output = join(dir, 'same.wav');
    await provider.synthesize({ text: 'Hello there.', language: 'en', voice: { provider: 'espeak', speed: 1 }, output });
    const direct = join(dir, 'direct.wav');
    execFileSync('espeak-ng', ['-v', 'en', '-s', '175', '-w', direct, '--stdin'], { input: 'Hello there.' });
    expect(readFileSync(output).equals(readFileSync(direct))).toBe(true);
  });

  it('fails with the write error when the audio cannot be written (espeak-ng -w would exit 0 with a truncated file)', async () => {
    // /dev/full answers every write with ENOSPC, as a full disk does; reached through a link, which is all
    // the failed synthesis removes.
    const output = join(dir, 'full.wav');
    symlinkSync('/dev/full', output);
    const err = await provider.synthesize({ text: 'Hello there.', language: 'en', voice: { provider: 'espeak', speed: 1 }, output }).catch((e: unknown) => e);
    expect(err).toMatchObject({ name: 'SpeechError', retryable: true });
    expect((err as SpeechError).message).toMatch(/ENOSPC: no space left on device/);
  });

  it('speaks Chinese with the built-in cmn voice', async () => {
    const output = join(dir, 'zh.wav');
    await provider.synthesize({ text: '你好', language: 'zh-CN', voice: { provider: 'espeak', speed: 1 }, output });
    expect((await runner.probe(output)).durationSeconds).toBeGreaterThan(0);
  });

  it('rejects an unknown voice with a non-retryable SpeechError naming the field', async () => {
    const output = join(dir, 'nope.wav');
    const err = await provider
      .synthesize({ text: 'Hello', language: 'en', voice: { provider: 'espeak', speed: 1, name: 'nosuchvoice' }, output })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SpeechError);
    expect(err).toMatchObject({ retryable: false, field: 'voice.name' });
    expect((err as SpeechError).message).toContain('nosuchvoice');
  });

  it('blames the language when no voice name was given', async () => {
    const err = await provider
      .synthesize({ text: 'Hello', language: 'xx-zz', voice: { provider: 'espeak', speed: 1 }, output: join(dir, 'l.wav') })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ name: 'SpeechError', retryable: false, field: 'language' });
  });

  it('reports a missing binary as a non-retryable SpeechError', async () => {
    const missing = new EspeakSpeechProvider(join(dir, 'no-espeak-here'));
    const output = join(dir, 'x.wav');
    await expect(missing.synthesize({ text: 'Hi', language: 'en', voice: { provider: 'espeak', speed: 1 }, output })).rejects.toMatchObject({
      name: 'SpeechError',
      retryable: false,
    });
    expect(existsSync(output)).toBe(false);
  });
});
