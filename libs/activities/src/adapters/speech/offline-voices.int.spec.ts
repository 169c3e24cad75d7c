import { FfmpegRunner } from '@vidflow/media';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FestivalSpeechProvider } from './festival-speech.provider';
import { FliteSpeechProvider } from './flite-speech.provider';
import { SpeechError } from './speech-provider';

/** The offline engines on real audio: files ffprobe reads, speed honoured, word times that match the audio. */
describe('offline voices (real flite and festival)', () => {
  const ffmpeg = new FfmpegRunner({ ffmpegPath: 'ffmpeg', ffprobePath: 'ffprobe' });
  const text = 'The deep sea is dark and cold, yet life is everywhere.';
  let dir: string;
  beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'vidflow-voices-'))));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  describe('flite', () => {
    const flite = new FliteSpeechProvider();
    it.each(['slt', 'rms', 'awb', 'kal'])('speaks with voice %s, faster at speed 2', async (name) => {
      const normal = join(dir, `flite-${name}.wav`);
      const fast = join(dir, `flite-${name}-fast.wav`);
      await flite.synthesize({ text, language: 'en', voice: { provider: 'flite', name, speed: 1 }, output: normal });
      await flite.synthesize({ text, language: 'en', voice: { provider: 'flite', name, speed: 2 }, output: fast });
      const [a, b] = await Promise.all([ffmpeg.probe(normal), ffmpeg.probe(fast)]);
      expect(a.durationSeconds).toBeGreaterThan(2);
      expect(b.durationSeconds).toBeLessThan(a.durationSeconds * 0.7);
      expect(existsSync(`${normal}.txt`)).toBe(false); // its text file is removed
    });

    it('keeps text that starts with a dash as text', async () => {
      const out = join(dir, 'dash.wav');
      await flite.synthesize({ text: '-voice kal is not an option here.', language: 'en', voice: { provider: 'flite', speed: 1 }, output: out });
      expect((await ffmpeg.probe(out)).durationSeconds).toBeGreaterThan(1);
    });

    it('names the missing binary and its package, permanently', async () => {
      const err = await new FliteSpeechProvider('/nonexistent/flite')
        .synthesize({ text, language: 'en', voice: { provider: 'flite', speed: 1 }, output: join(dir, 'x.wav') })
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(SpeechError);
      expect(err).toMatchObject({ retryable: false, message: expect.stringContaining('apt-get install flite') });
    });

    it('fails when flite cannot write the audio (flite itself exits 0)', async () => {
      // A directory where the WAV should go: flite cannot open it, prints a warning and exits 0.
      const output = join(dir, 'a-directory.wav');
      mkdirSync(output);
      const err = await flite.synthesize({ text, language: 'en', voice: { provider: 'flite', speed: 1 }, output }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(SpeechError);
      expect(err).toMatchObject({ retryable: true, message: expect.stringContaining('wrote no audio') });
    });
  });

  describe('festival (HTS)', () => {
    const festival = new FestivalSpeechProvider();
    it('reports one time per word, in order, ending with the audio', async () => {
      const out = join(dir, 'festival.wav');
      const result = await festival.synthesize({ text, language: 'en-US', voice: { provider: 'festival', speed: 1 }, output: out });
      const probe = await ffmpeg.probe(out);
      const words = result.words!;
      expect(words.map((w) => w.text.toLowerCase())).toEqual(['the', 'deep', 'sea', 'is', 'dark', 'and', 'cold', 'yet', 'life', 'is', 'everywhere']);
      for (let i = 0; i < words.length; i++) {
        expect(words[i]!.end).toBeGreaterThan(words[i]!.start);
        if (i > 0) expect(words[i]!.start).toBeGreaterThanOrEqual(words[i - 1]!.end);
      }
      // The last word ends within the trailing silence Festival adds (a few hundred ms).
      expect(words.at(-1)!.end).toBeLessThanOrEqual(probe.durationSeconds);
      expect(words.at(-1)!.end).toBeGreaterThan(probe.durationSeconds - 0.6);
      // "everywhere" is longer than "is".
      expect(words[10]!.end - words[10]!.start).toBeGreaterThan(words[9]!.end - words[9]!.start);
    });

    it('speaks faster at speed 2 and its word times follow', async () => {
      const slow = await festival.synthesize({ text, language: 'en', voice: { provider: 'festival', speed: 1 }, output: join(dir, 'f1.wav') });
      const fast = await festival.synthesize({ text, language: 'en', voice: { provider: 'festival', speed: 2 }, output: join(dir, 'f2.wav') });
      const ratio = fast.words!.at(-1)!.end / slow.words!.at(-1)!.end;
      expect(ratio).toBeGreaterThan(0.4);
      expect(ratio).toBeLessThan(0.6);
      expect((await ffmpeg.probe(join(dir, 'f2.wav'))).durationSeconds).toBeLessThan((await ffmpeg.probe(join(dir, 'f1.wav'))).durationSeconds * 0.7);
    });

    it('keeps quotes and parentheses in the text from reaching Scheme', async () => {
      const result = await festival.synthesize({ text: 'She said "stop")) (exit) now.', language: 'en', voice: { provider: 'festival', speed: 1 }, output: join(dir, 'q.wav') });
      expect(result.words!.map((w) => w.text.toLowerCase())).toEqual(['she', 'said', 'stop', 'exit', 'now']);
    });

    it('refuses an unknown voice naming voice.name, before running festival', async () => {
      const err = await new FestivalSpeechProvider('/nonexistent/festival')
        .synthesize({ text, language: 'en', voice: { provider: 'festival', name: 'kal_diphone', speed: 1 }, output: join(dir, 'y.wav') })
        .catch((e: unknown) => e);
      expect(err).toMatchObject({ field: 'voice.name', retryable: false });
    });
  });
});
