import type { FfmpegSpec } from '../ffmpeg-spec';

/** Speech recognisers (PocketSphinx's en-us model, Whisper) work on 16 kHz mono; everything downstream reads this. */
export const STT_SAMPLE_RATE = 16000;

export interface AudioExtractOptions {
  input: string;
  output: string;
}

/**
 * The first audio stream of any media file as 16 kHz mono 16-bit PCM WAV. Video, subtitle and data streams are
 * dropped (`-vn -sn -dn`), so a 2-hour film costs no video decoding. PCM keeps later cuts sample-exact.
 */
export function buildAudioExtractArgs(o: AudioExtractOptions): FfmpegSpec {
  return {
    inputs: [{ source: o.input, options: [] }],
    outputOptions: [
      '-map', '0:a:0',
      '-vn', '-sn', '-dn',
      '-ac', '1',
      '-ar', String(STT_SAMPLE_RATE),
      '-c:a', 'pcm_s16le',
      '-f', 'wav',
    ],
    output: o.output,
  };
}
