import type { ActivityDeps } from './activity-deps';
import { makeDeliverWebhook } from './activities/deliver-webhook.activity';
import { makeCleanupVideo } from './activities/cleanup-video.activity';
import { makeMaintainCache } from './activities/maintain-cache.activity';
import { makeLookupPipeline, makePlacePipelineHit, makeStorePipeline } from './activities/pipeline-cache.activity';
import { makeRenderVideo } from './activities/render-video.activity';
import { makeSweepRunFolders } from './activities/sweep-run-folders.activity';
import { makeSynthesizeScene } from './activities/synthesize-scene.activity';
import { makeWriteScript } from './activities/write-script.activity';
import { makeBurnInSubtitles } from './activities/burn-in-subtitles.activity';
import { makeCleanupTranscription } from './activities/cleanup-transcription.activity';
import { makeExtractTranscriptionAudio } from './activities/extract-transcription-audio.activity';
import { makePlanTranscriptionChunks } from './activities/plan-transcription-chunks.activity';
import { makeProbeTranscriptionMedia } from './activities/probe-transcription-media.activity';
import { makeTranscribeChunk } from './activities/transcribe-chunk.activity';
import { makeWriteTranscript } from './activities/write-transcript.activity';
import { makeProbeLibraryMedia } from './activities/probe-library-media.activity';
import { makeFindSceneVisual } from './activities/find-scene-visual.activity';
import { makeGenerateSceneImage } from './activities/generate-scene-image.activity';

/** Script writing: its own task queue, whose activities-per-second limit rate-limits LLM calls. */
export function createLlmActivities(deps: ActivityDeps) {
  return {
    writeScript: makeWriteScript(deps),
  };
}

/** The I/O-bound activities (speech, housekeeping): run on the I/O task queue. */
export function createIoActivities(deps: ActivityDeps) {
  return {
    synthesizeScene: makeSynthesizeScene(deps),
    findSceneVisual: makeFindSceneVisual(deps),
    generateSceneImage: makeGenerateSceneImage(deps),
    lookupPipeline: makeLookupPipeline(deps),
    placePipelineHit: makePlacePipelineHit(deps),
    storePipeline: makeStorePipeline(deps),
    maintainCache: makeMaintainCache(deps),
    cleanupVideo: makeCleanupVideo(deps),
    sweepRunFolders: makeSweepRunFolders(deps),
    deliverWebhook: makeDeliverWebhook(deps),
    probeLibraryMedia: makeProbeLibraryMedia(deps),
  };
}

/** The CPU-bound activities: run on the render task queue with their own concurrency limit. */
export function createRenderActivities(deps: ActivityDeps) {
  return {
    renderVideo: makeRenderVideo(deps),
  };
}

/** Transcriptions' burn-in: ffmpeg at full CPU, so it runs on the render queue next to the video renders. */
export function createTranscriptionRenderActivities(deps: ActivityDeps) {
  return {
    burnInSubtitles: makeBurnInSubtitles(deps),
  };
}

/** Transcriptions' speech-to-text steps: their own task queue, sized to the machine (the worker's tuner). */
export function createSttActivities(deps: ActivityDeps) {
  return {
    probeTranscriptionMedia: makeProbeTranscriptionMedia(deps),
    extractTranscriptionAudio: makeExtractTranscriptionAudio(deps),
    planTranscriptionChunks: makePlanTranscriptionChunks(deps),
    transcribeChunk: makeTranscribeChunk(deps),
    writeTranscript: makeWriteTranscript(deps),
    cleanupTranscription: makeCleanupTranscription(deps),
  };
}

export type LlmActivities = ReturnType<typeof createLlmActivities>;
export type IoActivities = ReturnType<typeof createIoActivities>;
export type RenderActivities = ReturnType<typeof createRenderActivities>;
export type SttActivities = ReturnType<typeof createSttActivities>;
export type TranscriptionRenderActivities = ReturnType<typeof createTranscriptionRenderActivities>;
