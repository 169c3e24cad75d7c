import { spawn } from 'node:child_process';
import { lowerChildPriority } from '@vidflow/media';
import { SpeechError } from './speech-provider';

export interface SpeechToolRun {
  /** The binary and the Debian package that installs it (named in the error when it is missing). */
  binary: string;
  packageName: string;
  args: string[];
  /** Written to the tool's stdin, then closed. */
  stdin?: string;
  signal?: AbortSignal;
  /** The nice value the tool runs at (CHILD_NICE); 0 leaves it at the worker's. */
  nice?: number;
}

/**
 * Runs an offline speech engine (flite, festival) with an argument array and returns its stdout. A missing
 * binary is permanent (install it); a crash is retryable; an abort rethrows the AbortError so the activity
 * sees a cancellation, not a failure.
 */
export async function runSpeechTool(run: SpeechToolRun): Promise<{ stdout: string; stderr: string }> {
  const child = spawn(run.binary, run.args, { stdio: ['pipe', 'pipe', 'pipe'], signal: run.signal });
  lowerChildPriority(child.pid, run.nice ?? 0);
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr = (stderr + d).slice(-4000)));
  child.stdin.on('error', () => undefined); // EPIPE when the tool exits early; 'close' reports why
  child.stdin.end(run.stdin ?? '');
  const exit = await new Promise<{ code: number | null; signal: NodeJS.Signals | null; error?: NodeJS.ErrnoException }>((resolve) => {
    child.on('error', (error: NodeJS.ErrnoException) => resolve({ code: null, signal: null, error }));
    child.on('close', (code, signal) => resolve({ code, signal }));
  });
  if (exit.error?.name === 'AbortError') throw exit.error;
  if (exit.error?.code === 'ENOENT') throw new SpeechError(`${run.binary} is not installed (apt-get install ${run.packageName})`, false);
  if (exit.error) throw new SpeechError(`${run.binary} could not start: ${exit.error.message}`, true);
  if (exit.code !== 0) throw new SpeechError(`${run.binary} failed (${exit.signal ?? `exit ${exit.code}`}): ${stderr.trim().slice(-1000)}`, true);
  return { stdout, stderr };
}
