import type { ApiSchemas } from '@vidflow/api-client';

export type TranscriptionRequest = ApiSchemas['TranscriptionRequest'];

/**
 * The files picked in this tab, by transcription id: the player plays the original from memory (a blob: URL)
 * while the API keeps only the audio it needs. Gone after a reload; then only a burned-in copy can play.
 */
export const localFiles = new Map<string, File>();

/** Requests this browser sent, by transcription id, so a finished one can be made again with burn-in. */
const KEY = 'vidflow.transcriptions';
export function rememberTranscription(id: string, request: TranscriptionRequest): void {
  const all = requests();
  all[id] = request;
  const ids = Object.keys(all);
  for (const old of ids.slice(0, Math.max(0, ids.length - 200))) delete all[old];
  localStorage.setItem(KEY, JSON.stringify(all));
}
export function transcriptionRequestOf(id: string): TranscriptionRequest | undefined {
  return requests()[id];
}
function requests(): Record<string, TranscriptionRequest> {
  try {
    return JSON.parse(localStorage.getItem(KEY) ?? '{}') as Record<string, TranscriptionRequest>;
  } catch {
    return {};
  }
}
