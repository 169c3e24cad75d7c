import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { canonicalJson } from '@vidflow/cache';
import { createHash } from 'node:crypto';
import { ConflictError, ValidationFailedError } from './api-errors';

/** Printable ASCII, as most APIs that take the header accept (Stripe, the IETF draft). */
const KEY = /^[\x21-\x7e]{1,255}$/;

export function checkIdempotencyKey(key: string | undefined): string | undefined {
  if (key === undefined) return undefined;
  if (!KEY.test(key)) {
    throw new ValidationFailedError('Idempotency-Key: must be 1-255 printable ASCII characters', [
      { field: 'Idempotency-Key', message: 'must be 1-255 printable ASCII characters' },
    ]);
  }
  return key;
}

/**
 * A workflow id derived from the key (and whoever sent it): the same key always names the same
 * workflow, so Temporal itself guarantees that a retried POST never starts a second one, across any
 * number of API replicas and restarts, with nothing stored by the API.
 */
export function idempotentId(prefix: 'vid' | 'bat', scope: string, key: string): string {
  const h = createHash('sha256').update(`${prefix}\0${scope}\0${key}`).digest('hex');
  return `${prefix}-${h.slice(0, 8)}-${h.slice(8, 12)}-8${h.slice(13, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/** sha256 of the canonical JSON form (the cache's: keys sorted, NFC strings), so key order does not matter. */
export function requestHash(body: unknown): string {
  return createHash('sha256').update(canonicalJson(body)).digest('hex');
}


/**
 * Starts `workflowId` unless it already exists (running or finished), then checks that the existing
 * one was started with the same request: the same key with another body is a 409.
 */
export async function startOnce(
  client: Client,
  workflowId: string,
  hash: string,
  start: (options: { workflowIdConflictPolicy: 'USE_EXISTING'; workflowIdReusePolicy: 'REJECT_DUPLICATE'; memo: Record<string, unknown> }) => Promise<unknown>,
): Promise<void> {
  try {
    await start({ workflowIdConflictPolicy: 'USE_EXISTING', workflowIdReusePolicy: 'REJECT_DUPLICATE', memo: { requestHash: hash } });
  } catch (err) {
    // Finished already: REJECT_DUPLICATE refuses a new run, which is the point.
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
  }
  const desc = await client.workflow.getHandle(workflowId).describe();
  const memo = (await desc.memo) as { requestHash?: string } | undefined;
  if (memo?.requestHash !== hash) {
    throw new ConflictError('Idempotency-Key was already used with a different request body');
  }
}
