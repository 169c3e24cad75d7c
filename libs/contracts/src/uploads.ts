/**
 * The chunk size of vidflow's own upload clients (the CLI, the Studio): 50 MiB per PATCH, small enough that a
 * broken connection costs little and a request finishes well inside any proxy's timeout, large enough that a
 * 1 GB file is 21 requests.
 */
export const UPLOAD_CHUNK_BYTES = 50 * 1024 * 1024;
