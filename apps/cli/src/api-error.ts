/** One entry of `error.details` in the REST contract. */
export interface ApiErrorDetail {
  field?: string;
  message?: string;
}

/** The server answered with an error (or could not be reached): exit code 1, with the server's message. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    message: string,
    readonly status: number,
    readonly code: string,
    readonly details: ApiErrorDetail[] = [],
    /** The error body as the server sent it, for `--json`. */
    readonly body?: unknown,
  ) {
    super(message);
  }
}

/** A video or batch ended failed or cancelled: exit code 1, nothing more to print than what was shown. */
export class RunFailedError extends Error {
  override readonly name = 'RunFailedError';
}
