import type { ActivityDeps } from './activity-deps';
import { makeCleanupVideo } from './activities/cleanup-video.activity';
import { makeMaintainCache } from './activities/maintain-cache.activity';
import { makeLookupPipeline, makePlacePipelineHit, makeStorePipeline } from './activities/pipeline-cache.activity';
import { makeRenderVideo } from './activities/render-video.activity';
import { makeSweepRunFolders } from './activities/sweep-run-folders.activity';
import { makeSynthesizeScene } from './activities/synthesize-scene.activity';
import { makeWriteScript } from './activities/write-script.activity';

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
    lookupPipeline: makeLookupPipeline(deps),
    placePipelineHit: makePlacePipelineHit(deps),
    storePipeline: makeStorePipeline(deps),
    maintainCache: makeMaintainCache(deps),
    cleanupVideo: makeCleanupVideo(deps),
    sweepRunFolders: makeSweepRunFolders(deps),
  };
}

/** The CPU-bound activities: run on the render task queue with their own concurrency limit. */
export function createRenderActivities(deps: ActivityDeps) {
  return {
    renderVideo: makeRenderVideo(deps),
  };
}

export type LlmActivities = ReturnType<typeof createLlmActivities>;
export type IoActivities = ReturnType<typeof createIoActivities>;
export type RenderActivities = ReturnType<typeof createRenderActivities>;
