import { spawn } from 'node:child_process';
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

export function buildEspeakArgs(request: Pick<SynthesizeRequest, 'language' | 'voice' | 'output'>): string[] {
  const wpm = Math.round(BASE_WPM * request.voice.speed);
  // Text goes in on stdin (--stdin), never as an argument, so text starting with "-" stays text.
  return ['-v', espeakVoiceFor(request.language, request.voice.name), '-s', String(wpm), '-w', request.output, '--stdin'];
}

/** espeak-ng, spawned with an argument array. Offline, fast, robotic: the default voice. */
export class EspeakSpeechProvider implements SpeechProvider {
  readonly name = 'espeak';
  readonly identity = 'espeak-ng';

  constructor(private readonly binary = 'espeak-ng') {}

  synthesize(request: SynthesizeRequest): Promise<void> {
    const args = buildEspeakArgs(request);
    return new Promise((resolve, reject) => {
      const child = spawn(this.binary, args, { stdio: ['pipe', 'ignore', 'pipe'], signal: request.signal });
      let stderr = '';
      child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr = (stderr + d).slice(-2000)));
      child.on('error', (err: NodeJS.ErrnoException) => {
        if (err.name === 'AbortError') return reject(err);
        if (err.code === 'ENOENT') {
          return reject(new SpeechError(`${this.binary} is not installed (apt-get install espeak-ng)`, false));
        }
        reject(new SpeechError(`espeak-ng could not start: ${err.message}`, true));
      });
      child.on('close', (code, signal) => {
        if (code === 0) return resolve();
        if (/voice does not exist/i.test(stderr)) {
          return reject(
            new SpeechError(`espeak-ng has no voice "${args[1]}" (set voice.name or language)`, false, request.voice.name ? 'voice.name' : 'language'),
          );
        }
        reject(new SpeechError(`espeak-ng failed (${signal ?? `exit ${code}`}): ${stderr.trim()}`, true));
      });
      child.stdin.on('error', () => undefined); // EPIPE when espeak exits early; 'close' reports why
      child.stdin.end(request.text);
    });
  }
}
