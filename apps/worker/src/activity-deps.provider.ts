import {
  type ActivityDeps,
  ArtifactStore,
  EspeakSpeechProvider,
  OfflineScriptWriter,
} from '@vidflow/activities';
import type { VidflowConfig } from '@vidflow/config';
import { FfmpegRunner } from '@vidflow/media';

/** Builds the activities' adapters from configuration: the worker's composition root. */
export function createActivityDeps(config: VidflowConfig): ActivityDeps {
  return {
    store: new ArtifactStore(config.dataDir),
    ffmpeg: new FfmpegRunner({ ffmpegPath: config.tools.ffmpeg, ffprobePath: config.tools.ffprobe }),
    speech: { espeak: new EspeakSpeechProvider(config.tools.espeak) },
    scriptWriters: { offline: new OfflineScriptWriter() },
    renderPreset: config.renderPreset,
  };
}
