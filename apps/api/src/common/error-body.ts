/** The contract's error envelope: `{ error: { code, message, details, requestId } }`. */
export function errorBody(code: string, message: string, requestId?: string, details?: unknown[]) {
  return { error: { code, message, ...(details?.length ? { details } : {}), ...(requestId ? { requestId } : {}) } };
}
