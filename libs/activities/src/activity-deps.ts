import type { FfmpegRunner } from '@vidflow/media';
import type { ArtifactStore } from './artifact-store';
import type { ScriptWriter } from './providers/script-writer';
import type { SpeechProvider } from './providers/speech-provider';

/** Everything the activities touch, injected so that tests can pass fakes and strict mocks. */
export interface ActivityDeps {
  store: ArtifactStore;
  ffmpeg: FfmpegRunner;
  speech: Record<string, SpeechProvider>;
  scriptWriters: Record<string, ScriptWriter>;
  renderPreset: string;
}
