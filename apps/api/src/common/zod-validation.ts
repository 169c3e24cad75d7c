import { describeIssues, summarizeIssues } from '@vidflow/contracts';
import type { z } from 'zod';
import { ValidationFailedError } from './api-errors';

/** Parses `value` with `schema`, or throws a 400 whose message and details name every bad field. */
export function validate<S extends z.ZodType>(schema: S, value: unknown, what = 'body'): z.output<S> {
  const result = schema.safeParse(value ?? {});
  if (result.success) return result.data;
  const details = describeIssues(result.error);
  throw new ValidationFailedError(`invalid ${what}: ${summarizeIssues(details)}`, details);
}
