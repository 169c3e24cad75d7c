import createClient, { type Client } from 'openapi-fetch';
import type { components, operations, paths } from './generated/openapi';

// The types are generated at build time from the document GET /docs-json serves (scripts/generate-api-client.sh),
// so a route, parameter or field the document gets wrong fails to type-check here and in every caller.
export type { components, operations, paths };

/** The request and response bodies the document names (`ApiSchemas['VideoStatus']`). */
export type ApiSchemas = components['schemas'];

/** The typed client: `GET('/api/videos/{id}', { params: { path: { id } } })` resolves to `{ data } | { error }`. */
export type VidflowClient = Client<paths>;

export interface VidflowClientOptions {
  /** The API's base URL, e.g. `http://localhost:3000` (the paths start with `/api`). */
  baseUrl: string;
  /** Sent as `Authorization: Bearer <key>` when set (the server needs it when it has API_KEYS). */
  apiKey?: string;
  /** The fetch it calls with one Request per API call (default: the global fetch). */
  fetch?: (request: Request) => Promise<Response>;
}

/** A client of the vidflow REST API, typed from its OpenAPI document. */
export function createVidflowClient(options: VidflowClientOptions): VidflowClient {
  return createClient<paths>({
    baseUrl: options.baseUrl,
    headers: { Accept: 'application/json', ...(options.apiKey ? { Authorization: `Bearer ${options.apiKey}` } : {}) },
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
}
