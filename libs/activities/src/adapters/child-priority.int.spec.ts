import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { getPriority, tmpdir } from 'node:os';
import { join } from 'node:path';
import { childProcessesOf, niceOfThreads, waitFor } from '../../../../test/support/process-nice';
import { EspeakSpeechProvider } from './speech/espeak-speech.provider';
import { PocketsphinxSpeechToTextProvider } from './speech-to-text/pocketsphinx-speech-to-text.provider';

/**
 * The speech engines get CHILD_NICE like ffmpeg does. A stand-in binary that blocks until it is killed lets the
 * test read the priority of the very process the provider spawned (the real engines finish too fast to catch).
 */
jest.setTimeout(90_000);

describe('CHILD_NICE on the speech engines (read back from /proc)', () => {
  let dir: string;
  let blocking: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'vidflow-nice-'));
    blocking = join(dir, 'blocking-engine');
    writeFileSync(blocking, '#!/bin/sh\nexec sleep 60\n');
    chmodSync(blocking, 0o755);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const niceOfSpawnedChild = async (start: (signal: AbortSignal) => Promise<unknown>) => {
    const abort = new AbortController();
    const run = start(abort.signal).catch(() => undefined);
    try {
      const child = await waitFor(() => childProcessesOf(process.pid).find((c) => c.comm === 'sleep'));
      expect(child).toBeDefined();
      return niceOfThreads(child!.pid);
    } finally {
      abort.abort();
      await run;
    }
  };

  it('starts espeak-ng at CHILD_NICE', async () => {
    const provider = new EspeakSpeechProvider(blocking, 9);
    const nice = await niceOfSpawnedChild((signal) =>
      provider.synthesize({ text: 'hello', language: 'en', voice: { provider: 'espeak', speed: 1 }, output: join(dir, 'a.wav'), signal }),
    );
    expect(nice).toEqual([Math.max(9, getPriority(process.pid))]);
  });

  it('starts pocketsphinx at CHILD_NICE', async () => {
    const provider = new PocketsphinxSpeechToTextProvider(blocking, 6);
    const nice = await niceOfSpawnedChild((signal) => provider.transcribe({ audioPath: join(dir, 'a.wav'), language: 'en', signal }));
    expect(nice).toEqual([Math.max(6, getPriority(process.pid))]);
  });

  it('leaves the engine at the worker priority with CHILD_NICE=0', async () => {
    const provider = new EspeakSpeechProvider(blocking, 0);
    const nice = await niceOfSpawnedChild((signal) =>
      provider.synthesize({ text: 'hello', language: 'en', voice: { provider: 'espeak', speed: 1 }, output: join(dir, 'b.wav'), signal }),
    );
    expect(nice).toEqual([getPriority(process.pid)]);
  });
});
