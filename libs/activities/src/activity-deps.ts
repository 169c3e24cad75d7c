import type { ArtifactCache } from '@vidflow/cache';
import { join } from 'node:path';
import type { FfmpegRunner, H264Encoder } from '@vidflow/media';
import type { ForcedAligner } from './adapters/alignment/forced-aligner';
import type { ArtifactStore } from './adapters/artifact-store/artifact-store';
import type { MediaDownloadSettings } from './adapters/media-download/download-media';
import type { ScriptWriter } from './adapters/llm/script-writer';
import type { SceneImageProvider } from './adapters/scene-images/scene-image-provider';
import type { SpeechProvider } from './adapters/speech/speech-provider';
import type { SpeechToTextProvider } from './adapters/speech-to-text/speech-to-text-provider';
import type { StockMediaProvider } from './adapters/stock-media/stock-media-provider';
import type { WebhookSettings } from './adapters/webhook/send-webhook';
import type { WorkflowRuns } from './adapters/workflow-runs/workflow-runs';

/** Everything the activities touch, injected so that tests can pass fakes and strict mocks. */
export interface ActivityDeps {
  store: ArtifactStore;
  ffmpeg: FfmpegRunner;
  speech: Record<string, SpeechProvider>;
  scriptWriters: Record<string, ScriptWriter>;
  /** Times the words of scenes whose engine reports none, for word-by-word captions; without one they are estimated. */
  aligner?: ForcedAligner;
  renderPreset: string;
  /**
   * The H.264 encoder RENDER_ENCODER chose at worker start (chooseH264Encoder); libx264 when not given. A render
   * that fails with another encoder is done again with libx264.
   */
  renderEncoder?: () => Promise<H264Encoder>;
  /** The content-addressed cache; without one every stage computes (as with cache.mode "bypass"). */
  cache?: ArtifactCache;
  /** Where relative media paths in requests resolve (config.mediaDir); `DATA_DIR/media` when not given. */
  mediaDir?: string;
  /** Write every frame at the declared fps instead of a variable-frame-rate file (config.renderCfr). */
  renderCfr?: boolean;
  /** How http(s) media URLs are fetched (config.mediaDownload); DEFAULT_MEDIA_DOWNLOAD when not given (private addresses refused). */
  mediaDownload?: MediaDownloadSettings;
  /** Speech-to-text providers of transcriptions, by request `provider.name` (`offline`, and `openai` when configured). */
  speechToText?: Record<string, SpeechToTextProvider>;
  /** Which runs are open, for the folder sweeper; the worker's own Temporal client when not given. */
  workflowRuns?: WorkflowRuns;
  /** The sweeper leaves folders that changed within this many seconds (config.worker.sweepGraceSeconds). */
  sweepGraceSeconds?: number;
  /** Stock video search for `visuals`, by provider name; each is there when its key is set (PEXELS_API_KEY, PIXABAY_API_KEY). */
  stockMedia?: Partial<Record<StockMediaProvider['name'], StockMediaProvider>>;
  /** Image generation for `visuals.provider` `openai-images`; there when IMAGES_* (or OPENAI_*) names an endpoint. */
  sceneImages?: Partial<Record<SceneImageProvider['name'], SceneImageProvider>>;
  /** Signing secrets, attempt timeout and address rules of webhooks (config.webhooks); DEFAULT_WEBHOOKS when not given. */
  webhooks?: WebhookSettings;
}

/** Where relative media paths in requests resolve: config.mediaDir, else `DATA_DIR/media` (the store's root). */
export function mediaDirOf(deps: Pick<ActivityDeps, 'mediaDir' | 'store'>): string {
  return deps.mediaDir ?? join(deps.store.root, 'media');
}
