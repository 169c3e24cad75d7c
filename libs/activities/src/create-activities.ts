import type { ActivityDeps } from './activity-deps';
import { makeCleanupVideo } from './cleanup-video.activity';
import { makeRenderVideo } from './render-video.activity';
import { makeSynthesizeScene } from './synthesize-scene.activity';
import { makeWriteScript } from './write-script.activity';

/** The I/O-bound activities (script, speech, housekeeping): run on the I/O task queue. */
export function createIoActivities(deps: ActivityDeps) {
  return {
    writeScript: makeWriteScript(deps),
    synthesizeScene: makeSynthesizeScene(deps),
    cleanupVideo: makeCleanupVideo(deps),
  };
}

/** The CPU-bound activities: run on the render task queue with their own concurrency limit. */
export function createRenderActivities(deps: ActivityDeps) {
  return {
    renderVideo: makeRenderVideo(deps),
  };
}

export type IoActivities = ReturnType<typeof createIoActivities>;
export type RenderActivities = ReturnType<typeof createRenderActivities>;
