import { ApplicationFailure } from '@temporalio/common';
import { ErrorTypes } from '@vidflow/contracts';

/**
 * The adapter a request names (`voice.provider`, `llm.provider`, ...), out of those this worker was configured
 * with. A name the worker does not have fails at once and for good: another attempt on the same worker cannot
 * find it either, and the message names the request field so the client knows what to change.
 */
export function providerFor<T>(options: { providers: Record<string, T>; name: string; field: string }): T {
  const provider = Object.hasOwn(options.providers, options.name) ? options.providers[options.name] : undefined;
  if (provider === undefined) {
    throw ApplicationFailure.create({
      type: ErrorTypes.BadInput,
      message: `${options.field} "${options.name}" is not configured on this worker`,
      nonRetryable: true,
    });
  }
  return provider;
}
