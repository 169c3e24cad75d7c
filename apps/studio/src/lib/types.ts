import type { ApiSchemas } from '@vidflow/api-client';

/**
 * The parts of the API contract the Studio reads, from the types generated from the OpenAPI document
 * (libs/api-client): a type-only import, erased from the bundle, checked by `npm run lint`.
 */
export type VideoStatus = ApiSchemas['VideoStatus'];
export type RunStatus = VideoStatus['status'];
export const TERMINAL: ReadonlySet<RunStatus> = new Set(['completed', 'failed', 'cancelled']);

export type VideoRequest = ApiSchemas['VideoRequest'];
export type Scene = NonNullable<VideoRequest['scenes']>[number];

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
