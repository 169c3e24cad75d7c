/** The parts of the API contract (docs/API.md) the Studio reads. */
export type RunStatus = 'queued' | 'running' | 'completed' | 'failed' | 'cancelled';
export const TERMINAL: ReadonlySet<RunStatus> = new Set(['completed', 'failed', 'cancelled']);

export interface VideoStatus {
  id: string;
  status: RunStatus;
  stage: 'script' | 'tts' | 'render' | 'done';
  progress: number;
  stages: {
    script: { status: string; cacheHit: boolean; seconds?: number };
    tts: { status: string; done: number; total: number; cacheHits: number; seconds?: number };
    render: { status: string; progress: number; attempt: number; cacheHit: boolean; seconds?: number };
  };
  cacheHit: boolean;
  error?: { type: string; message: string; stage?: string };
  result?: { file: string; durationSeconds: number; width: number; height: number; bytes: number };
  createdAt: string;
  updatedAt: string;
}

export interface Scene {
  text: string;
  background?: { color: string } | { image: string } | { video: string };
}

export interface VideoRequest {
  topic?: string;
  script?: string;
  scenes?: Scene[];
  language?: string;
  voice?: { provider?: 'espeak' | 'openai'; name?: string; speed?: number };
  render?: {
    aspect?: '9:16' | '16:9' | '1:1';
    height?: number;
    fps?: number;
    captions?: { enabled: boolean };
    background?: { color: string } | { image: string } | { video: string };
    music?: { source: string; volume?: number };
  };
  cache?: { mode: 'use' | 'refresh' | 'bypass' };
}

/** Requests this browser submitted, by video id, so "edit and make again" can open them in the editor. */
const REQUESTS = 'vidflow.requests';
export function rememberRequest(id: string, request: VideoRequest): void {
  const all = JSON.parse(localStorage.getItem(REQUESTS) ?? '{}') as Record<string, VideoRequest>;
  all[id] = request;
  const ids = Object.keys(all);
  for (const old of ids.slice(0, Math.max(0, ids.length - 200))) delete all[old];
  localStorage.setItem(REQUESTS, JSON.stringify(all));
}
export function requestOf(id: string): VideoRequest | undefined {
  return (JSON.parse(localStorage.getItem(REQUESTS) ?? '{}') as Record<string, VideoRequest>)[id];
}
