import type { SpokenWord } from '@vidflow/contracts';

export interface AlignRequest {
  /** A 16 kHz mono 16-bit WAV file (buildAudioExtractArgs makes one). */
  audioPath: string;
  /** The file's duration: words the grammar leaves out at the end are timed up to it. */
  durationSeconds: number;
  /** What the audio says: the scene's text as written (punctuation, numbers and all). */
  text: string;
  /** BCP-47 tag of the text. */
  language: string;
  /** A folder the aligner may write its grammar and dictionary into (the caller removes it). */
  scratchDir: string;
  signal?: AbortSignal;
}

/**
 * Forced alignment: when each word of a known text is spoken in an audio file. Used for caption word times when the
 * speech engine reports none (espeak-ng, flite, OpenAI).
 */
export interface ForcedAligner {
  /** Engine, model and settings that decide the times: part of the speech cache key of scenes aligned with it. */
  readonly identity: string;
  /** Why this aligner cannot align `language`, or undefined. */
  languageProblem(language: string): string | undefined;
  /**
   * One entry per word of `text` as the captions split it (tokenizeCaptionText), with the word's text as written
   * and its start and end in seconds from the start of the file; in order, never overlapping. Throws
   * `AlignmentError` when the audio cannot be matched to the text.
   */
  align(request: AlignRequest): Promise<SpokenWord[]>;
}

export class AlignmentError extends Error {
  override name = 'AlignmentError';
}
