import { rm, stat, writeFile } from 'node:fs/promises';
import { runSpeechTool } from './run-speech-tool';
import { SpeechError, type SpeechProvider, type SynthesizeRequest } from './speech-provider';

/**
 * The voices compiled into Debian's flite 2.2 (`flite -lv`), all English. `kal16` and `awb_time` are left out:
 * the first is kal at 16 kHz, the second only speaks times of day.
 */
export const FLITE_VOICES = [
  { id: 'slt', language: 'en-US', description: 'US English, female (CMU ARCTIC slt, clustergen): clear and natural, the best-sounding flite voice' },
  { id: 'rms', language: 'en-US', description: 'US English, male (CMU ARCTIC rms, clustergen): natural, a little muffled' },
  { id: 'awb', language: 'en-GB', description: 'Scottish English, male (CMU ARCTIC awb, clustergen)' },
  { id: 'kal', language: 'en-US', description: 'US English, male (diphone, 8 kHz): fast and robotic, like a 1990s voice' },
] as const;

export const FLITE_DEFAULT_VOICE = 'slt';

export function buildFliteArgs(options: { voice: string; speed: number; textFile: string; output: string }): string[] {
  // duration_stretch > 1 speaks slower: the inverse of voice.speed. The text comes from a file (-f), never an
  // argument, so text starting with "-" stays text. (Not /dev/stdin: Node's stdio pipes are sockets, which
  // flite cannot open by that path.)
  const stretch = Number((1 / options.speed).toFixed(3));
  return ['-voice', options.voice, '--setf', `duration_stretch=${stretch}`, '-f', options.textFile, '-o', options.output];
}

/** Names a voice of `FLITE_VOICES`, else throws naming the request field that chose it. */
export function fliteVoiceFor(request: Pick<SynthesizeRequest, 'language' | 'voice'>): string {
  if (!/^en(-|$)/i.test(request.language)) {
    throw new SpeechError(`flite speaks only English, not "${request.language}" (use voice.provider "espeak")`, false, 'language');
  }
  const name = request.voice.name ?? FLITE_DEFAULT_VOICE;
  // Checked here: flite takes an unknown -voice as a file path or URL to load a voice from.
  if (!FLITE_VOICES.some((v) => v.id === name)) {
    throw new SpeechError(`flite has no voice "${name}" (one of ${FLITE_VOICES.map((v) => v.id).join(', ')})`, false, 'voice.name');
  }
  return name;
}

/** CMU Flite: offline, about 60x faster than real time here, far less robotic than espeak-ng in English. */
export class FliteSpeechProvider implements SpeechProvider {
  readonly name = 'flite';
  readonly identity = 'flite-2.2';

  constructor(
    private readonly binary = 'flite',
    /** The nice value flite runs at (CHILD_NICE); 0 leaves it at the worker's. */
    private readonly childNice = 0,
  ) {}

  async synthesize(request: SynthesizeRequest): Promise<void> {
    const voice = fliteVoiceFor(request);
    const textFile = `${request.output}.txt`;
    try {
      await writeFile(textFile, request.text).catch((err: Error) => {
        throw new SpeechError(`flite's text could not be written next to ${request.output}: ${err.message}`, true);
      });
      await runSpeechTool({
        binary: this.binary,
        packageName: 'flite',
        args: buildFliteArgs({ voice, speed: request.voice.speed, textFile, output: request.output }),
        signal: request.signal,
        nice: this.childNice,
      });
      // flite exits 0 when it could not write the file (it only prints a warning).
      const written = await stat(request.output).catch(() => undefined);
      if (!written?.isFile() || written.size <= 44) throw new SpeechError(`flite wrote no audio to ${request.output}`, true);
    } catch (err) {
      // The engine's error is the one to report, whatever is (or is not) at the output path.
      await rm(request.output, { force: true }).catch(() => undefined);
      throw err;
    } finally {
      await rm(textFile, { force: true });
    }
  }
}
