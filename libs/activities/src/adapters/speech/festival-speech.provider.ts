import { rm, stat } from 'node:fs/promises';
import { runSpeechTool } from './run-speech-tool';
import { SpeechError, type SpeechProvider, type SpokenWord, type SynthesizeRequest, type SynthesizeResult } from './speech-provider';

/** Festival voices vidflow knows how to select (Debian's festvox packages), by their Festival name. */
export const FESTIVAL_VOICES = [
  {
    id: 'cmu_us_slt_arctic_hts',
    language: 'en-US',
    description: 'US English, female (HTS statistical voice, festvox-us-slt-hts): the smoothest offline voice, about 5x real time here',
    package: 'festvox-us-slt-hts',
  },
] as const;

export const FESTIVAL_DEFAULT_VOICE = 'cmu_us_slt_arctic_hts';

/** A Scheme string literal: backslash and double quote escaped, control characters as spaces. */
export function schemeString(text: string): string {
  // eslint-disable-next-line no-control-regex
  return `"${text.replace(/[\u0000-\u001f]+/g, ' ').replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/**
 * The Scheme program Festival runs on stdin (`festival --pipe`): select the voice, set the HTS engine's speech
 * rate (`-r`; Festival's Duration_Stretch does not reach HTS voices), synthesise the text as one utterance, save
 * it as RIFF WAV and print one `W<TAB>word<TAB>start<TAB>end` line per word. A word starts where its first
 * segment starts (pauses before it excluded) and ends at `word_end`; HTS writes the times back after `-r`.
 */
export function buildFestivalScript(options: { voice: string; speed: number; text: string; output: string }): string {
  return [
    `(voice_${options.voice})`,
    `(set! hts_engine_params (append hts_engine_params (list (list "-r" ${options.speed.toFixed(3)}))))`,
    `(set! utt (Utterance Text ${schemeString(options.text)}))`,
    '(utt.synth utt)',
    `(utt.save.wave utt ${schemeString(options.output)} 'riff)`,
    `(mapcar (lambda (w) (format t "W\\t%s\\t%f\\t%f\\n" (item.name w) (item.feat w "R:SylStructure.daughter1.daughter1.segment_start") (item.feat w "word_end"))) (utt.relation.items utt 'Word))`,
    '',
  ].join('\n');
}

/** The word lines of `buildFestivalScript`'s output; other output (Festival's own messages) is ignored. */
export function parseFestivalWords(stdout: string): SpokenWord[] {
  const words: SpokenWord[] = [];
  for (const line of stdout.split('\n')) {
    const m = /^W\t(.+)\t(-?[\d.]+)\t(-?[\d.]+)$/.exec(line.trim());
    if (!m) continue;
    const start = Number(m[2]);
    const end = Number(m[3]);
    if (!Number.isFinite(start) || !Number.isFinite(end) || end < start) continue;
    words.push({ text: m[1]!, start: round(start), end: round(end) });
  }
  return words;
}

function round(seconds: number): number {
  return Math.round(seconds * 1000) / 1000;
}

/**
 * Festival with an HTS voice: offline, smoother than flite, slower (about 5x real time on one core here), and it
 * reports each word's start and end from its utterance structure: exact word times for the caption highlight.
 * Word texts are Festival's normalised words ("3" is "three").
 */
export class FestivalSpeechProvider implements SpeechProvider {
  readonly name = 'festival';
  readonly identity = 'festival-2.5-hts';

  constructor(
    private readonly binary = 'festival',
    /** The nice value festival runs at (CHILD_NICE); 0 leaves it at the worker's. */
    private readonly childNice = 0,
  ) {}

  async synthesize(request: SynthesizeRequest): Promise<SynthesizeResult> {
    if (!/^en(-|$)/i.test(request.language)) {
      throw new SpeechError(`festival's installed voices speak only English, not "${request.language}" (use voice.provider "espeak")`, false, 'language');
    }
    const voice = request.voice.name ?? FESTIVAL_DEFAULT_VOICE;
    // Checked before Festival sees it: the name becomes part of a Scheme expression.
    if (!FESTIVAL_VOICES.some((v) => v.id === voice)) {
      throw new SpeechError(`festival has no voice "${voice}" (one of ${FESTIVAL_VOICES.map((v) => v.id).join(', ')})`, false, 'voice.name');
    }
    try {
      const { stdout, stderr } = await runSpeechTool({
        binary: this.binary,
        packageName: 'festival festvox-us-slt-hts',
        args: ['--pipe'],
        stdin: buildFestivalScript({ voice, speed: request.voice.speed, text: request.text, output: request.output }),
        signal: request.signal,
        nice: this.childNice,
      });
      // Festival's Scheme errors (a voice package missing, a failed write) still exit 0: they show on stderr/stdout.
      const schemeError = /SIOD ERROR[^\n]*/.exec(`${stderr}\n${stdout}`)?.[0];
      if (schemeError) {
        const missingVoice = /unbound variable : voice_/.test(schemeError);
        throw new SpeechError(
          missingVoice ? `festival voice "${voice}" is not installed (apt-get install festvox-us-slt-hts)` : `festival failed: ${schemeError}`,
          !missingVoice,
        );
      }
      const written = await stat(request.output).catch(() => undefined);
      if (!written?.isFile() || written.size <= 44) throw new SpeechError(`festival wrote no audio to ${request.output}`, true);
      return { words: parseFestivalWords(stdout) };
    } catch (err) {
      // The engine's error is the one to report, whatever is (or is not) at the output path.
      await rm(request.output, { force: true }).catch(() => undefined);
      throw err;
    }
  }
}
