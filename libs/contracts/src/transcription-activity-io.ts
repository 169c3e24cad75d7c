import type { StageCacheOptions } from './activity-io';
import type { CaptionOptions } from './video-request.schema';
import type { BurnInOptions, SttProviderOptions } from './transcription-request.schema';
import type { TranscriptFormat, TranscriptionFiles } from './transcription-status';
import type { TranscriptionInputMedia } from './transcription-workflow-api';

// Inputs and outputs of the transcription activities. Paths are relative to DATA_DIR (the artifact store), so that
// workers mounting it at different places share work; only small summaries travel through the workflow history
// (each chunk's transcript is a file in the store, merged by writeTranscript).

export interface ProbeTranscriptionMediaInput {
  transcriptionId: string;
  media: TranscriptionInputMedia;
}

export interface ProbedTranscriptionMedia {
  /** The readable local file (an upload, a video, or the URL's download kept in the transcription's work folder). */
  source: string;
  durationSeconds: number;
  hasVideo: boolean;
  width?: number;
  height?: number;
  audioCodec: string;
}

export interface ExtractTranscriptionAudioInput {
  transcriptionId: string;
  source: string;
  durationSeconds: number;
}

export interface ExtractedTranscriptionAudio {
  /** 16 kHz mono 16-bit WAV of the source's first audio stream. */
  audio: string;
  durationSeconds: number;
}

export interface PlanTranscriptionChunksInput {
  transcriptionId: string;
  audio: string;
  durationSeconds: number;
  maxChunkSeconds: number;
}

export interface TranscriptionChunkPlan {
  index: number;
  start: number;
  end: number;
  cut: 'silence' | 'quietest' | 'end';
}

export interface TranscribeChunkInput {
  transcriptionId: string;
  audio: string;
  chunk: TranscriptionChunkPlan;
  language: string;
  provider: SttProviderOptions;
  cache?: StageCacheOptions;
}

export interface TranscribedChunk {
  index: number;
  cacheHit: boolean;
  /** The chunk's transcript (times from the chunk's start) as a JSON file in the store. */
  transcript: string;
  words: number;
  /** The recogniser, as the transcript names it. */
  engine: string;
}

export interface WriteTranscriptInput {
  transcriptionId: string;
  language: string;
  durationSeconds: number;
  engine: string;
  chunks: Array<Pick<TranscribedChunk, 'index' | 'transcript'> & Pick<TranscriptionChunkPlan, 'start' | 'end'>>;
  formats: TranscriptFormat[];
  /** Also write the ASS captions for a burn-in, sized for this frame, in the request's caption style (`burnIn.captions`). */
  burnIn?: { width: number; height: number; captions?: CaptionOptions };
}

export interface WrittenTranscript {
  files: TranscriptionFiles;
  segments: number;
  words: number;
  /** The ASS captions for burnIn (in the work folder), when asked. */
  captions?: string;
}

export interface BurnInSubtitlesInput {
  transcriptionId: string;
  source: string;
  captions: string;
  durationSeconds: number;
  audioCodec: string;
  options: BurnInOptions;
}

export interface CleanupTranscriptionInput {
  transcriptionId: string;
  /** Also remove the finished files (a cancelled or failed transcription leaves nothing half-made behind). */
  outputs: boolean;
}
