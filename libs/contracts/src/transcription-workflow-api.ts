import { defineQuery } from '@temporalio/workflow';
import type { TranscriptionRequest } from './transcription-request.schema';
import type { TranscriptionProgress } from './transcription-status';

// The transcription workflow's side of the contract (the API's gateway starts and queries it). Free of zod at run time.

export const TRANSCRIPTION_WORKFLOW = 'transcriptionWorkflow';

/** Workflow ids of transcriptions are their public ids: `trn-` and a unique suffix. */
export const TRANSCRIPTION_ID_PREFIX = 'trn-';

/** Same name as the video workflow's query: each workflow type answers its own `status`. */
export const transcriptionStatusQuery = defineQuery<TranscriptionProgress>('status');

/**
 * The media to transcribe as the worker reads it, resolved by the API from the request's `source`: a path relative
 * to DATA_DIR (a finished upload `uploads/<id>`, a media-library file, a video's `videos/<id>.mp4`), the key of an
 * object in the artifact bucket (a finished upload with ARTIFACT_STORE=s3, `upl-<id>`: the worker downloads it into
 * its own DATA_DIR), or an http(s) URL the worker downloads with the media URL rules (MEDIA_ALLOW_PRIVATE_URLS,
 * MEDIA_DOWNLOAD_MAX_BYTES).
 */
export type TranscriptionInputMedia =
  | { path: string; object?: undefined; url?: undefined }
  | { object: string; path?: undefined; url?: undefined }
  | { url: string; path?: undefined; object?: undefined };

export interface TranscriptionWorkflowInput {
  transcriptionId: string;
  request: TranscriptionRequest;
  media: TranscriptionInputMedia;
  /** Task queue of the speech-to-text activities (probe, extract, split, transcribe, write). */
  sttTaskQueue: string;
  /** Task queue of the burn-in render (the workflow itself runs on the I/O queue). */
  renderTaskQueue: string;
  /** How many chunks of this transcription are transcribed at once (the worker's tuner bounds the machine). */
  chunkParallelism: number;
  /** How long the completion webhook (request.callbackUrl) is retried: WEBHOOK_RETRY_HOURS; 24 when absent. */
  webhookRetryHours?: number;
}

/**
 * When the workflow fails, its ApplicationFailure carries the root cause's type and message and these details,
 * as the video workflow's do: the API shows `error.stage` and the last progress.
 */
export interface TranscriptionFailureDetails {
  stage: TranscriptionProgress['stage'];
  progress: TranscriptionProgress;
}

/** Where a transcription's files live, relative to DATA_DIR: `transcriptions/<id>/subtitles.<format>` and `video.mp4`. */
export function transcriptionFilePath(transcriptionId: string, file: 'srt' | 'vtt' | 'json' | 'txt' | 'video'): string {
  return `transcriptions/${transcriptionId}/${file === 'video' ? 'video.mp4' : `subtitles.${file}`}`;
}

/** Where and how a transcription's work runs: the same for every transcription of a deployment (from its config). */
export interface TranscriptionRunSettings {
  /** Task queue of the transcription workflow itself (the I/O queue, where the video workflows run too). */
  ioTaskQueue: string;
  sttTaskQueue: string;
  renderTaskQueue: string;
  chunkParallelism: number;
  /** How long completion webhooks are retried (WEBHOOK_RETRY_HOURS). */
  webhookRetryHours?: number;
}

/** The one builder of a transcription workflow's input (the API uses it; so do the tests). */
export function transcriptionWorkflowInput(options: {
  transcriptionId: string;
  request: TranscriptionRequest;
  media: TranscriptionInputMedia;
  run: TranscriptionRunSettings;
}): TranscriptionWorkflowInput {
  const { transcriptionId, request, media, run } = options;
  return {
    transcriptionId,
    request,
    media,
    sttTaskQueue: run.sttTaskQueue,
    renderTaskQueue: run.renderTaskQueue,
    chunkParallelism: run.chunkParallelism,
    ...(request.callbackUrl && run.webhookRetryHours !== undefined ? { webhookRetryHours: run.webhookRetryHours } : {}),
  };
}
