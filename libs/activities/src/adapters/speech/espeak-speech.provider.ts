import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { open, rm } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { lowerChildPriority } from '@vidflow/media';
import { SpeechError, type SpeechProvider, type SynthesizeRequest } from './speech-provider';

/** espeak-ng's default rate in words per minute; `voice.speed` scales it. */
const BASE_WPM = 175;

/**
 * Languages whose plain tag makes espeak-ng choose an MBROLA voice (not installed with Debian's
 * espeak-ng) or nothing; these map to the built-in voice for the same language.
 */
const VOICE_FOR_LANGUAGE: Record<string, string> = {
  zh: 'cmn',
  'zh-cn': 'cmn',
  'zh-hans': 'cmn',
  'zh-tw': 'cmn',
  'zh-hant': 'cmn',
  'zh-hk': 'yue',
};

export function espeakVoiceFor(language: string, name?: string): string {
  if (name) return name;
  const tag = language.toLowerCase();
  return VOICE_FOR_LANGUAGE[tag] ?? VOICE_FOR_LANGUAGE[tag.split('-')[0]!] ?? tag;
}

export function buildEspeakArgs(request: Pick<SynthesizeRequest, 'language' | 'voice'>): string[] {
  const wpm = Math.round(BASE_WPM * request.voice.speed);
  // Text goes in on stdin (--stdin), never as an argument, so text starting with "-" stays text. The WAV
  // comes out on stdout and is written by us: espeak-ng's own `-w FILE` ignores write errors, so a full
  // disk (or a file-size limit) left a truncated or empty file behind an exit status of 0.
  return ['-v', espeakVoiceFor(request.language, request.voice.name), '-s', String(wpm), '--stdout', '--stdin'];
}

/** espeak-ng, spawned with an argument array. Offline, fast, robotic: the default voice. */
export class EspeakSpeechProvider implements SpeechProvider {
  readonly name = 'espeak';
  readonly identity = 'espeak-ng';

  /** `childNice`: the nice value espeak-ng runs at (CHILD_NICE); 0 leaves it at the worker's. */
  constructor(
    private readonly binary = 'espeak-ng',
    private readonly childNice = 0,
  ) {}

  async synthesize(request: SynthesizeRequest): Promise<void> {
    const args = buildEspeakArgs(request);
    const child = spawn(this.binary, args, { stdio: ['pipe', 'pipe', 'pipe'], signal: request.signal });
    lowerChildPriority(child.pid, this.childNice);
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr = (stderr + d).slice(-2000)));
    child.stdin.on('error', () => undefined); // EPIPE when espeak exits early; 'close' reports why
    child.stdin.end(request.text);
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; error?: NodeJS.ErrnoException }>((resolve) => {
      child.on('error', (error: NodeJS.ErrnoException) => resolve({ code: null, signal: null, error }));
      child.on('close', (code, signal) => resolve({ code, signal }));
    });
    const written = pipeline(child.stdout, createWriteStream(request.output)).then(
      () => undefined,
      (err: NodeJS.ErrnoException) => err,
    );
    const [exit, writeError] = await Promise.all([exited, written]);
    try {
      if (exit.error?.name === 'AbortError') throw exit.error;
      if (exit.error?.code === 'ENOENT') throw new SpeechError(`${this.binary} is not installed (apt-get install espeak-ng)`, false);
      if (exit.error) throw new SpeechError(`espeak-ng could not start: ${exit.error.message}`, true);
      // Checked before the exit status: a failed write stops espeak-ng with a broken pipe.
      if (writeError) throw new SpeechError(`espeak-ng's audio could not be written to ${request.output}: ${writeError.message}`, true);
      if (exit.code !== 0) {
        if (/voice does not exist/i.test(stderr)) {
          throw new SpeechError(`espeak-ng has no voice "${args[1]}" (set voice.name or language)`, false, request.voice.name ? 'voice.name' : 'language');
        }
        throw new SpeechError(`espeak-ng failed (${exit.signal ?? `exit ${exit.code}`}): ${stderr.trim()}`, true);
      }
      await fixWavSizes(request.output);
    } catch (err) {
      await rm(request.output, { force: true });
      throw err;
    }
  }
}

/**
 * On a pipe espeak-ng cannot seek back to fill in the WAV header's sizes and leaves placeholders
 * (0x7ffff000-ish); this writes the real ones, so the file is what `-w` would have made.
 */
async function fixWavSizes(path: string): Promise<void> {
  const file = await open(path, 'r+');
  try {
    const { size } = await file.stat();
    const header = Buffer.alloc(44);
    await file.read(header, 0, 44, 0);
    if (size < 44 || header.toString('ascii', 0, 4) !== 'RIFF' || header.toString('ascii', 8, 12) !== 'WAVE' || header.toString('ascii', 36, 40) !== 'data') return;
    const sizes = Buffer.alloc(4);
    sizes.writeUInt32LE(size - 8);
    await file.write(sizes, 0, 4, 4);
    sizes.writeUInt32LE(size - 44);
    await file.write(sizes, 0, 4, 40);
  } finally {
    await file.close();
  }
}
