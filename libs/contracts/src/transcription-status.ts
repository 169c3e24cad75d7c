import type { RunStatus } from './video-status';
import type { SttProviderName } from './transcription-request.schema';
import type { RunTimes } from './video-status-view';
import type { WebhookState } from './webhook';

// The transcription's status: what the workflow's query answers and what GET /api/transcriptions/:id shows.
// Free of zod at run time (the workflow bundle imports it through `@vidflow/contracts/workflow`).

export const TRANSCRIPT_FORMATS = ['srt', 'vtt', 'json', 'txt'] as const;
export type TranscriptFormat = (typeof TRANSCRIPT_FORMATS)[number];

export type TranscriptionStage = 'probe' | 'extract' | 'split' | 'transcribe' | 'merge' | 'burn' | 'done';
export const TRANSCRIPTION_STAGES: readonly TranscriptionStage[] = ['probe', 'extract', 'split', 'transcribe', 'merge', 'burn', 'done'];

export interface TranscriptionChunks {
  done: number;
  total: number;
  /** Chunks whose transcript came from the cache (counted in `done` too). */
  cacheHits: number;
}

/** One file per requested format, plus `video` for the burned-in MP4. */
export type TranscriptionFiles = Partial<Record<TranscriptFormat | 'video', string>>;

export interface TranscriptionResult {
  language: string;
  /** Length of the original file's audio. */
  durationSeconds: number;
  /** The recogniser that produced the text, e.g. `pocketsphinx 5prealpha` or `openai whisper-1`. */
  engine: string;
  /** Paths relative to DATA_DIR (the artifact store) in the workflow's answer; API URLs in the public view. */
  files: TranscriptionFiles;
}

export interface TranscriptionError {
  type: string;
  message: string;
  stage?: TranscriptionStage;
}

/** What the transcription workflow answers to its `status` query, and (with `result`) what it returns. */
export interface TranscriptionProgress {
  stage: TranscriptionStage;
  /** 0..1, see transcriptionProgress. */
  progress: number;
  chunks: TranscriptionChunks;
  /** Set once the probe has measured the source. */
  durationSeconds?: number;
  result?: TranscriptionResult;
  /** Set once the run has started its webhook's delivery (a request with callbackUrl); the API reads its state. */
  webhook?: WebhookState;
}

/** The public status object of `GET /api/transcriptions/:id`. */
export interface TranscriptionStatusView {
  id: string;
  status: RunStatus;
  stage: TranscriptionStage;
  progress: number;
  chunks: TranscriptionChunks;
  result?: TranscriptionResult;
  error?: TranscriptionError;
  /** The completion webhook's delivery, for a request with callbackUrl. */
  webhook?: WebhookState;
  createdAt: string;
  updatedAt: string;
}

/** Where `GET /api/transcriptions/:id` is served. */
export function transcriptionSelfUrl(id: string): string {
  return `/api/transcriptions/${id}`;
}

/**
 * The public status object of a transcription: what `GET /api/transcriptions/:id` answers (the API passes its
 * describe of the run) and a transcription webhook's `data` (the workflow passes its own start time and now).
 * The workflow's state holds paths in the artifact store; the status shows the routes that serve them.
 */
export function transcriptionStatusView(p: { id: string; status: RunStatus; progress?: TranscriptionProgress; error?: TranscriptionError; desc: RunTimes }): TranscriptionStatusView {
  const progress = p.progress ?? { stage: 'probe', progress: 0, chunks: { done: 0, total: 0, cacheHits: 0 } };
  const done = p.status === 'completed';
  const updated = p.desc.closeTime ?? p.desc.lastActivityTime ?? p.desc.startTime;
  return {
    id: p.id,
    status: p.status,
    stage: done ? 'done' : progress.stage,
    progress: done ? 1 : progress.progress,
    chunks: progress.chunks,
    ...(progress.result ? { result: { ...progress.result, files: transcriptionFileUrls(p.id, progress.result.files) } } : {}),
    ...(p.error ? { error: p.error } : {}),
    ...(progress.webhook ? { webhook: progress.webhook } : {}),
    createdAt: p.desc.startTime.toISOString(),
    updatedAt: updated.toISOString(),
  };
}

function transcriptionFileUrls(id: string, files: TranscriptionFiles): TranscriptionFiles {
  const self = transcriptionSelfUrl(id);
  const urls: TranscriptionFiles = {};
  for (const format of TRANSCRIPT_FORMATS) if (files[format]) urls[format] = `${self}/subtitles.${format}`;
  if (files.video) urls.video = `${self}/file`;
  return urls;
}

/** Weights of the stages in the overall progress figure (transcription dominates; burn-in only when asked). */
const WEIGHTS = { before: 0.1, transcribe: 0.75, after: 0.05, burn: 0.1 } as const;

/** Overall progress (0..1) from the stage and chunk counts: a pure function so the API and the workflow agree. */
export function transcriptionProgress(options: { stage: TranscriptionStage; chunks: TranscriptionChunks; burnIn: boolean }): number {
  const { stage, chunks, burnIn } = options;
  if (stage === 'done') return 1;
  const scale = burnIn ? 1 : 1 / (1 - WEIGHTS.burn);
  const before = { probe: 0, extract: 0.03, split: 0.07 } as Record<TranscriptionStage, number | undefined>;
  let p: number;
  if (before[stage] !== undefined) p = before[stage]!;
  else {
    const t = chunks.total ? chunks.done / chunks.total : 0;
    p = WEIGHTS.before + WEIGHTS.transcribe * (stage === 'transcribe' ? t : 1);
    if (stage === 'burn') p += WEIGHTS.after;
  }
  return Math.round(Math.min(1, p * scale) * 1000) / 1000;
}

/**
 * Why a provider cannot transcribe a language, or undefined when it can. PocketSphinx ships an English model
 * only (pocketsphinx-en-us); the API answers 422 naming `language`, and the worker refuses the same way.
 */
export function sttLanguageProblem(provider: SttProviderName, language: string): string | undefined {
  if (provider === 'offline' && !/^en(?:-|$)/i.test(language)) {
    return `the offline provider (PocketSphinx) transcribes English only; use provider "openai" (Whisper or an OpenAI-compatible server) for "${language}"`;
  }
  return undefined;
}
