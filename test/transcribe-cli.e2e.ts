import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../apps/cli/src/run-cli';
import { captureIo } from '../apps/cli/src/testing/capture-io';
import { startTestStack, type TestStack } from './support/test-stack';

/** Debian's pocketsphinx-testdata: LibriVox recordings of read English. */
const LIBRIVOX = '/usr/share/pocketsphinx/test/data/librivox';

/**
 * `vidflow transcribe FILE` end to end: the CLI uploads over tus in several chunks to the real API, which starts
 * the transcription workflow on the Temporal dev server, run by the real worker (ffmpeg, silence cuts,
 * PocketSphinx); the CLI follows it and saves every format.
 */
describe('vidflow transcribe end to end', () => {
  let stack: TestStack;
  let server: Server;
  let work: string;

  beforeAll(async () => {
    const suffix = `${process.pid}-${Date.now().toString(36)}`;
    stack = await startTestStack({ TASK_QUEUE_STT: `test-stt-${suffix}`, WORKER_TUNER: 'fixed' });
    server = stack.app.getHttpServer() as Server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    work = mkdtempSync(join(tmpdir(), 'vidflow-transcribe-cli-'));
    // Three recordings with a second of silence between them: about 1.5 MB of WAV.
    const files = ['0870', '0890', '0920'].map((n) => join(LIBRIVOX, `sense_and_sensibility_01_austen_64kb-${n}.wav`));
    const inputs = files.flatMap((f) => ['-i', f]);
    const pads = files.map((_, i) => `[${i}:a]apad=pad_dur=1[a${i}]`).join(';');
    execFileSync('ffmpeg', ['-v', 'error', '-y', ...inputs, '-filter_complex', `${pads};${files.map((_, i) => `[a${i}]`).join('')}concat=n=${files.length}:v=0:a=1[a]`, '-map', '[a]', '-ar', '44100', join(work, 'reading.wav')]);
  });
  afterAll(async () => {
    await stack?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  it('uploads in chunks, transcribes and saves SRT, WebVTT, JSON and text', async () => {
    const io = captureIo({ cwd: work, sleep: (ms) => new Promise((r) => setTimeout(r, ms)) });
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const code = await runCli({ argv: ['transcribe', 'reading.wav', '--chunk-mb', '1', '--max-chunk-seconds', '10'], env: { VIDFLOW_API_URL: url }, io });
    expect(io.err()).toBe('');
    expect(code).toBe(0);
    expect(io.out()).toMatch(/upload .*100%/);
    expect(io.out()).toMatch(/chunks \d+\/\d+/);
    expect(readdirSync(work).sort()).toEqual(['reading.json', 'reading.srt', 'reading.txt', 'reading.vtt', 'reading.wav']);

    const json = JSON.parse(readFileSync(join(work, 'reading.json'), 'utf8')) as { engine: string; segments: Array<{ start: number; end: number; text: string }> };
    expect(json.engine).toMatch(/pocketsphinx/);
    expect(json.segments.length).toBeGreaterThan(1);
    // Timestamps are those of the whole file: the last segment ends in its last recording (past 10 s).
    expect(json.segments.at(-1)!.end).toBeGreaterThan(10);
    expect(readFileSync(join(work, 'reading.vtt'), 'utf8')).toMatch(/^WEBVTT/);
    expect(readFileSync(join(work, 'reading.srt'), 'utf8')).toMatch(/^1\r?\n\d\d:\d\d:\d\d,\d\d\d --> /);
    expect(readFileSync(join(work, 'reading.txt'), 'utf8').trim().length).toBeGreaterThan(20);
  });
});
