import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import type { Voice, VoiceCatalog } from '@vidflow/contracts';
import { FESTIVAL_VOICES } from './festival-speech.provider';
import { FLITE_VOICES } from './flite-speech.provider';

const run = promisify(execFile);

/** OpenAI's `audio.speech` voices (platform.openai.com/docs/guides/text-to-speech, "Voice options"). */
export const OPENAI_VOICES = ['alloy', 'ash', 'ballad', 'coral', 'echo', 'fable', 'nova', 'onyx', 'sage', 'shimmer', 'verse'] as const;

/** Where Debian's festvox packages install each voice (festival looks there by the voice's name). */
const FESTIVAL_VOICE_DIRS = ['/usr/share/festival/voices/us', '/usr/share/festival/voices/english'];

/**
 * `espeak-ng --voices`: `Pty Language Age/Gender VoiceName File Other` columns, one voice per line. The id is the
 * language column; `-v` also takes the file's name (`gmw/en` is `en`), the other language tags (`(en 3)`) and the
 * voice's name, kept as aliases.
 */
export function parseEspeakVoices(stdout: string): Voice[] {
  const voices: Voice[] = [];
  for (const line of stdout.split('\n').slice(1)) {
    const cols = line.trim().split(/\s+/);
    if (cols.length < 5) continue;
    const [, language, ageGender, name, file] = cols as [string, string, string, string, string];
    const gender = ageGender.split('/')[1];
    const who = gender === 'F' ? 'female' : gender === 'M' ? 'male' : undefined;
    const others = [...line.matchAll(/\(([^\s()]+) \d+\)/g)].map((m) => m[1]!);
    const aliases = [...new Set([file.split('/').at(-1)!.toLowerCase(), ...others, name])].filter((a) => a !== language);
    voices.push({ id: language, language, description: `${name.replace(/_/g, ' ')}${who ? `, ${who}` : ''} (espeak-ng formant voice)`, aliases });
  }
  return voices;
}

/** `flite -lv`: "Voices available: kal awb_time kal16 awb rms slt". */
export function parseFliteVoiceList(stdout: string): string[] {
  const m = /Voices available:(.*)/.exec(stdout);
  return m ? m[1]!.trim().split(/\s+/).filter(Boolean) : [];
}

export interface ListVoicesOptions {
  tools: { espeak: string; flite: string; festival: string };
  /** The openai provider's endpoint: OpenAI itself (no base URL) has a known list; another server decides itself. */
  tts?: { baseUrl?: string; voice: string };
}

/**
 * What this worker can speak with, asked of the installed engines themselves (espeak-ng's and flite's voice lists,
 * festival's voice folders); an engine that is not installed is left out.
 */
export async function listVoices(options: ListVoicesOptions, now = new Date()): Promise<VoiceCatalog> {
  const providers: VoiceCatalog['providers'] = [];
  const espeak = await run(options.tools.espeak, ['--voices'], { timeout: 10_000 }).catch(() => undefined);
  if (espeak) providers.push({ name: 'espeak', voices: parseEspeakVoices(espeak.stdout), complete: true });
  const flite = await run(options.tools.flite, ['-lv'], { timeout: 10_000 }).catch(() => undefined);
  if (flite) {
    const installed = new Set(parseFliteVoiceList(flite.stdout));
    providers.push({ name: 'flite', voices: FLITE_VOICES.filter((v) => installed.has(v.id)).map(({ id, language, description }) => ({ id, language, description })), complete: true });
  }
  const festival = await run(options.tools.festival, ['--version'], { timeout: 10_000 }).catch(() => undefined);
  if (festival) {
    const voices = FESTIVAL_VOICES.filter((v) => FESTIVAL_VOICE_DIRS.some((dir) => existsSync(`${dir}/${v.id}`)));
    providers.push({ name: 'festival', voices: voices.map(({ id, language, description }) => ({ id, language, description })), complete: true });
  }
  if (options.tts) {
    if (options.tts.baseUrl === undefined) {
      providers.push({ name: 'openai', voices: OPENAI_VOICES.map((id) => ({ id, language: 'mul', description: `OpenAI voice ${id} (speaks the text's language)` })), complete: true });
    } else {
      providers.push({ name: 'openai', voices: [{ id: options.tts.voice, language: 'mul', description: `default voice (TTS_VOICE) of ${options.tts.baseUrl}; the server accepts its own names` }], complete: false });
    }
  }
  return { providers, publishedAt: now.toISOString() };
}
