import { spawn } from 'node:child_process';
import { sttLanguageProblem } from '@vidflow/contracts';
import { lowerChildPriority } from '@vidflow/media';
import { parsePocketsphinxOutput } from './parse-pocketsphinx-output';
import { SpeechToTextError, type SpeechToTextProvider, type TranscribeRequest, type TranscribeResult } from './speech-to-text-provider';

/** Debian's pocketsphinx package (0.8+5prealpha) with the pocketsphinx-en-us model, compiled in as its default. */
export const POCKETSPHINX_ENGINE = 'pocketsphinx 5prealpha (en-us)';

/** Last lines of stderr kept for the error message. */
const STDERR_TAIL_BYTES = 2000;

/**
 * The offline recogniser: CMU PocketSphinx (`pocketsphinx_continuous -infile <wav> -time yes`), one process per
 * chunk, English only. Far less accurate than Whisper on real speech (see the README); it needs no key or network.
 * Aborting the signal kills the process.
 */
export class PocketsphinxSpeechToTextProvider implements SpeechToTextProvider {
  readonly name = 'offline';

  /** `childNice`: the nice value the recogniser runs at (CHILD_NICE); 0 leaves it at the worker's. */
  constructor(
    private readonly binary = 'pocketsphinx_continuous',
    private readonly childNice = 0,
  ) {}

  engine(): string {
    return POCKETSPHINX_ENGINE;
  }

  identity(): string {
    return 'pocketsphinx:5prealpha:en-us';
  }

  languageProblem(language: string): string | undefined {
    return sttLanguageProblem('offline', language);
  }

  async transcribe(request: TranscribeRequest): Promise<TranscribeResult> {
    const problem = this.languageProblem(request.language);
    if (problem) throw new SpeechToTextError(problem, false, 'language');
    const stdout = await this.run(['-infile', request.audioPath, '-time', 'yes', '-logfn', '/dev/null'], request.signal);
    return { segments: parsePocketsphinxOutput(stdout) };
  }

  private run(args: string[], signal?: AbortSignal): Promise<string> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason ?? new Error('aborted'));
      const child = spawn(this.binary, args, { stdio: ['ignore', 'pipe', 'pipe'], signal, killSignal: 'SIGKILL' });
      lowerChildPriority(child.pid, this.childNice);
      const out: Buffer[] = [];
      let err = '';
      child.stdout.on('data', (b: Buffer) => out.push(b));
      child.stderr.on('data', (b: Buffer) => {
        err = (err + b.toString('utf8')).slice(-STDERR_TAIL_BYTES);
      });
      child.on('error', (e: NodeJS.ErrnoException) => {
        if (signal?.aborted) return reject(signal.reason ?? e);
        if (e.code === 'ENOENT') {
          return reject(
            new SpeechToTextError(`${this.binary} not found: install Debian's pocketsphinx and pocketsphinx-en-us (scripts/setup.sh does)`, false),
          );
        }
        reject(new SpeechToTextError(`${this.binary} failed to start: ${e.message}`, true));
      });
      child.on('close', (code, sig) => {
        if (signal?.aborted) return reject(signal.reason ?? new Error('aborted'));
        if (code === 0) return resolve(Buffer.concat(out).toString('utf8'));
        // A crash or a kill by the OOM killer is worth another attempt; the same file fails the same way otherwise,
        // and the retry policy's attempts bound that.
        reject(new SpeechToTextError(`${this.binary} exited with ${sig ?? `code ${code}`}: ${err.trim().split('\n').slice(-3).join(' | ')}`, true));
      });
    });
  }
}
