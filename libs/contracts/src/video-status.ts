import type { WebhookState } from './webhook';
import type { Background, CaptionOptions, RenderOptions, VideoRequest } from './video-request.schema';

export type RunStatus = 'queued' | 'running' | 'completed' | 'failed' | 'cancelled';

/** The statuses a video or batch never leaves (a batch's retry starts a new run). */
export const TERMINAL_STATUSES: ReadonlySet<RunStatus> = new Set<RunStatus>(['completed', 'failed', 'cancelled']);

export function isTerminalStatus(status: string): boolean {
  return TERMINAL_STATUSES.has(status as RunStatus);
}
export type Stage = 'script' | 'tts' | 'render' | 'done';
export type StepStatus = 'pending' | 'running' | 'completed' | 'failed' | 'cancelled';

export interface ScriptStageState {
  status: StepStatus;
  cacheHit: boolean;
  seconds?: number;
  provider?: string;
}
export interface TtsStageState {
  status: StepStatus;
  done: number;
  total: number;
  cacheHits: number;
  seconds?: number;
  /** Total narration length, the sum of every scene's measured audio duration. */
  audioSeconds?: number;
}
export interface RenderStageState {
  status: StepStatus;
  /** 0..1, from ffmpeg's progress as reported in the render activity's heartbeats. */
  progress: number;
  attempt: number;
  cacheHit: boolean;
  seconds?: number;
  /**
   * The H.264 encoder that made the MP4 (`libx264`, or the hardware encoder RENDER_ENCODER=auto found); libx264
   * when a hardware encoder failed this render. Absent until the render completes, and on a cache hit of a render
   * cached before encoders were recorded.
   */
  encoder?: string;
}
export interface StageStates {
  script: ScriptStageState;
  tts: TtsStageState;
  render: RenderStageState;
}

export interface VideoFileInfo {
  /** Path of the MP4 relative to DATA_DIR (the artifact store), e.g. `videos/vid-123.mp4`. */
  path: string;
  durationSeconds: number;
  width: number;
  height: number;
  bytes: number;
}

export interface VideoError {
  type: string;
  message: string;
  stage?: Stage;
}

/** Where a scene's caption word times came from: the speech provider, forced alignment, or a syllable estimate. */
export type WordTimeSource = 'provider' | 'alignment' | 'estimate';

/**
 * What a scene showed when `visuals` asked for one: the stock clip found (with what attribution needs), the image
 * generated for it (the model and the prompt sent; `revisedPrompt` when the model rewrote it), or `background` (the
 * scene's own or the request's) with why no visual was used.
 */
export type SceneVisual =
  | { source: 'pexels' | 'pixabay'; url: string; query: string; author: string; pageUrl: string; licence: string }
  | { source: 'openai-images'; model: string; prompt: string; revisedPrompt?: string }
  | { source: 'background'; reason: string };

/** What the findSceneVisual activity answers: the scene's visual, and for a generated image the run file holding it. */
export type FoundSceneVisual = SceneVisual & {
  /** Store-relative path of the generated image (`work/<videoId>/...`); the render shows it; the status does not. */
  image?: string;
};

/** Per scene facts of a finished render (the contract's `scenes[]`). */
export interface SceneStatus {
  index: number;
  /** Only when captions were drawn. */
  wordTimes?: WordTimeSource;
  /** Only when the request asked for `visuals`. */
  visual?: SceneVisual;
}

/** What the video workflow answers to the `status` query, and (with `result`) what it returns. */
export interface VideoProgress {
  stage: Stage;
  progress: number;
  stages: StageStates;
  cacheHit: boolean;
  sceneCount?: number;
  scenes?: SceneStatus[];
  result?: VideoFileInfo;
  /** Set once the run has started its webhook's delivery (a request with callbackUrl); the API reads its state. */
  webhook?: WebhookState;
}

/** The public status object of `GET /api/videos/:id`. */
export interface VideoStatusView {
  id: string;
  status: RunStatus;
  stage: Stage;
  progress: number;
  stages: StageStates;
  cacheHit: boolean;
  error?: VideoError;
  scenes?: SceneStatus[];
  /** The completion webhook's delivery, for a request with callbackUrl. */
  webhook?: WebhookState;
  result?: {
    file: string;
    thumbnail?: string;
    durationSeconds: number;
    width: number;
    height: number;
    bytes: number;
  };
  createdAt: string;
  updatedAt: string;
}

/** Render settings with every dimension worked out. */
export interface ResolvedRender {
  width: number;
  height: number;
  fps: number;
  captions: boolean;
  /** The request's caption options (preset and overrides); absent in runs started before caption styles (the renderer then uses the defaults). */
  captionOptions?: CaptionOptions;
  background: Background;
  music?: RenderOptions['music'];
  /** The cross-fade between background runs; absent for hard cuts (and in runs started before transitions). */
  transition?: { seconds: number };
}

export interface VideoWorkflowInput {
  videoId: string;
  request: VideoRequest;
  /** How many scenes are synthesised at once within this video. */
  ttsParallelism: number;
  /** Task queue of the render activities (the workflow itself runs on the I/O queue). */
  renderTaskQueue: string;
  /** Task queue of script writing (rate-limited per second across all workers). */
  llmTaskQueue: string;
  /**
   * Set when the API has already looked this request up in the pipeline cache, so the workflow does not
   * ask again. `hit` is the finished video of an identical earlier request, already placed at this video's
   * path (by APIs before the read-only lookup): the run records it as its result without running any
   * activity. `found` is what the API's read-only lookup found: the run places the cached file at its own path
   * (the placePipelineHit local activity) and records it, or makes the video when the file is gone. With
   * neither (`{}`) the API looked and missed. Absent (batch items, a lookup that failed or ran out of time),
   * the workflow looks the request up itself.
   */
  pipelineCache?: { hit?: VideoProgress; found?: { progress: VideoProgress; videoFile: string; posterFile?: string } };
  /** How long the completion webhook (request.callbackUrl) is retried: WEBHOOK_RETRY_HOURS; 24 when absent. */
  webhookRetryHours?: number;
}

/** The placePipelineHit activity's input: the API's pipeline hit, to be placed at `videoId`'s path. */
export interface PlacePipelineHitInput {
  videoId: string;
  progress: VideoProgress;
  /** The cache's copy of the finished MP4: an absolute path, or a `bucket-object:` reference with ARTIFACT_STORE=s3. */
  videoFile: string;
  /** The cache's copy of its poster frame (the same kinds of reference), when the entry holds one. */
  posterFile?: string;
}

/** Stage weights for the overall progress figure; they add up to 1. */
export const STAGE_WEIGHTS = { script: 0.05, tts: 0.25, render: 0.7 } as const;

export function initialStages(): StageStates {
  return {
    script: { status: 'pending', cacheHit: false },
    tts: { status: 'pending', done: 0, total: 0, cacheHits: 0 },
    render: { status: 'pending', progress: 0, attempt: 0, cacheHit: false },
  };
}

/** Overall progress (0..1) from the stage states: a pure function so the API and workflow agree. */
export function overallProgress(stages: StageStates): number {
  const script = stages.script.status === 'completed' ? 1 : 0;
  const tts = stages.tts.status === 'completed' ? 1 : stages.tts.total ? stages.tts.done / stages.tts.total : 0;
  const render = stages.render.status === 'completed' ? 1 : stages.render.progress;
  const p = STAGE_WEIGHTS.script * script + STAGE_WEIGHTS.tts * tts + STAGE_WEIGHTS.render * render;
  return Math.round(Math.min(1, Math.max(0, p)) * 1000) / 1000;
}

/** Each caption preset's mode (libs/media's CAPTION_PRESETS takes it from here): which presets time every word. */
export const CAPTION_PRESET_MODES: Record<CaptionOptions['preset'], 'phrase' | 'word'> = { clean: 'phrase', bold: 'word', karaoke: 'word', boxed: 'phrase' };

/**
 * How the render draws captions (the request's `mode`, else its preset's), or undefined without captions. `word`
 * highlights each word as it is spoken, so only then does the speech stage need word times.
 */
export function captionMode(render: Pick<ResolvedRender, 'captions' | 'captionOptions'>): 'phrase' | 'word' | undefined {
  if (!render.captions) return undefined;
  return render.captionOptions?.mode ?? CAPTION_PRESET_MODES[render.captionOptions?.preset ?? 'bold'];
}

/** Default frame heights per aspect ratio when the request gives none (a phone-native 1080p frame). */
const DEFAULT_HEIGHT = { '9:16': 1920, '16:9': 1080, '1:1': 1080 } as const;

export function resolveRender(render: RenderOptions): ResolvedRender {
  const height = even(render.height ?? DEFAULT_HEIGHT[render.aspect]);
  const [w, h] = render.aspect.split(':').map(Number) as [number, number];
  // libx264 with yuv420p needs even dimensions.
  const width = even((height * w) / h);
  return {
    width,
    height,
    fps: render.fps,
    captions: render.captions.enabled,
    ...(render.captions.enabled ? { captionOptions: render.captions } : {}),
    background: render.background,
    music: render.music,
    ...(render.transition?.type === 'fade' ? { transition: { seconds: render.transition.seconds } } : {}),
  };
}

function even(n: number): number {
  return Math.max(2, Math.round(n / 2) * 2);
}
