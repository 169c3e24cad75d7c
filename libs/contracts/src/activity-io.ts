import type { Background, LlmOptions, VoiceOptions } from './video-request.schema';
import type { ResolvedRender, VideoFileInfo, WordTimeSource } from './video-status';

/** A spoken word and its time in seconds from the start of its scene's audio. */
export interface SpokenWord {
  text: string;
  start: number;
  end: number;
}

/** How a stage uses the cache: the request's `cache` options. */
export interface StageCacheOptions {
  /** use: read and write; refresh: recompute and overwrite; bypass: neither read nor write. */
  mode: 'use' | 'refresh' | 'bypass';
  ttlSeconds?: number;
}

/** One scene of narration, as the script stage produces it. */
export interface Scene {
  text: string;
  background?: Background;
  /** Search terms for a stock visual (the request's scene keywords). */
  keywords?: string[];
}

/** One scene's stock-visual search (the `findSceneVisual` activity). */
export interface FindSceneVisualInput {
  videoId: string;
  index: number;
  provider: 'pexels' | 'pixabay';
  text: string;
  keywords?: string[];
  /** The request's topic: the last search term tried. */
  topic?: string;
  /** The output frame: clips must cover it, in its orientation. */
  width: number;
  height: number;
}

/** One scene's generated image (the `generateSceneImage` activity, visuals provider openai-images). */
export interface GenerateSceneImageInput extends Omit<FindSceneVisualInput, 'provider'> {
  /** The request's `visuals.style`, part of every scene's prompt. */
  style?: string;
  /** The request's `cache` options: a generated image is cached by its prompt, size, server and model. */
  cache?: StageCacheOptions;
}

export interface WriteScriptInput {
  videoId: string;
  topic?: string;
  script?: string;
  scenes?: Scene[];
  language: string;
  llm: LlmOptions;
  cache?: StageCacheOptions;
}
export interface WriteScriptOutput {
  scenes: Scene[];
  /** Which writer produced the text: `offline`, `openai:<model>`, or `input` when the user gave it. */
  provider: string;
  cacheHit: boolean;
}

export interface SynthesizeSceneInput {
  videoId: string;
  index: number;
  text: string;
  language: string;
  voice: VoiceOptions;
  cache?: StageCacheOptions;
  /**
   * The captions highlight each word as it is spoken (captionMode "word"): when the engine reports no word times,
   * align the text to the audio for them. Absent in runs started before alignment (no alignment then).
   */
  wordTimes?: boolean;
}
export interface SceneAudio {
  index: number;
  /** Relative to DATA_DIR, so that workers with the artifact store mounted elsewhere can still find it. */
  audioPath: string;
  durationSeconds: number;
  /** Word times, when the speech provider reports them or alignment found them (cached with the audio in the scene's `tts` entry). */
  words?: SpokenWord[];
  /** Who timed `words`: absent for the speech provider. */
  wordSource?: 'alignment';
  cacheHit: boolean;
}

export interface RenderVideoInput {
  videoId: string;
  scenes: Array<
    Scene & {
      audioPath: string;
      durationSeconds: number;
      words?: SpokenWord[];
      wordSource?: SceneAudio['wordSource'];
      /** The image generated for the scene (visuals openai-images): a store-relative run file shown instead of any background. */
      generatedImage?: { path: string; motion?: 'kenburns' };
    }
  >;
  /** Used to segment captions (CJK and Thai have no spaces between words). */
  language: string;
  render: ResolvedRender;
  /** How the render uses its cache (the request's `cache` options); without it, `use`. */
  cache?: StageCacheOptions;
}
export interface RenderVideoOutput extends VideoFileInfo {
  cacheHit: boolean;
  /** Per scene, where its caption word times came from (absent without captions). */
  wordTimes?: WordTimeSource[];
  /** Which attempt of the render activity produced the file (1 unless an attempt failed or its worker died). */
  attempt: number;
  /** The H.264 encoder that made the file (on a cache hit, the one that made the cached file, when recorded). */
  encoder?: string;
}

export interface CleanupVideoInput {
  videoId: string;
}

/** What one sweep of the work/ and tmp/ folders did (the maintenance workflow's result carries it). */
export interface SweepRunFoldersResult {
  /** Store-relative folders removed (`work/<id>`, `tmp/<id>`), their runs closed however they closed. */
  removed: string[];
  /** Folders kept: their run is open, unknown (Temporal did not answer), or they changed within the grace period. */
  kept: number;
}

/** What a render heartbeat carries; the API reads it from the pending activity to show live progress. */
export interface RenderHeartbeat {
  progress: number;
}
