import { ApplicationFailure } from '@temporalio/workflow';

/**
 * The innermost error of a failure chain (ChildWorkflowFailure -> ApplicationFailure -> ActivityFailure -> ...):
 * the one that says what went wrong, which both workflows report instead of the wrappers around it.
 */
export function rootCause(err: unknown): unknown {
  let current: unknown = err;
  while (current instanceof Error && (current as { cause?: unknown }).cause instanceof Error) {
    current = (current as { cause?: unknown }).cause;
  }
  return current;
}

/** The root cause's failure type (an ApplicationFailure's) and message. */
export function describeRootCause(err: unknown): { type?: string; message: string } {
  const root = rootCause(err);
  if (root instanceof ApplicationFailure) return { type: root.type ?? undefined, message: root.message };
  return { message: root instanceof Error ? root.message : String(root) };
}
