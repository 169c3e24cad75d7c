import { Logger } from '@nestjs/common';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { ApiError } from '../common/api-errors';
import { errorBody } from '../common/error-body';
import { isTemporalUnavailable } from '../temporal/temporal-errors';

const logger = new Logger('MCP');

/**
 * An error of a tool call as an MCP tool error (`isError: true`, which the model reads and can act on), in the
 * REST API's error envelope: `{ error: { code, message, details } }`, the same codes and the same `details`
 * naming each bad field (VALIDATION_FAILED, UNPROCESSABLE, NOT_FOUND, CONFLICT, TEMPORAL_UNAVAILABLE, ...).
 * As in AllExceptionsFilter, anything unexpected is logged and answered as INTERNAL without its message.
 */
export function toolError(err: unknown, tool: string): CallToolResult {
  let body: ReturnType<typeof errorBody>;
  if (err instanceof ApiError) body = errorBody(err.code, err.message, undefined, err.details);
  else if (isTemporalUnavailable(err)) body = errorBody('TEMPORAL_UNAVAILABLE', 'the workflow service (Temporal) is unreachable; try again shortly');
  else {
    logger.error(`unhandled error in MCP tool ${tool}`, (err as Error)?.stack);
    body = errorBody('INTERNAL', 'internal error');
  }
  return { isError: true, content: [{ type: 'text', text: JSON.stringify(body) }], structuredContent: body };
}

/** A tool's successful answer: the object as JSON text (for any client) and as structuredContent. */
export function toolResult(value: Record<string, unknown>, note?: string): CallToolResult {
  return {
    content: [{ type: 'text', text: JSON.stringify(value) }, ...(note ? [{ type: 'text' as const, text: note }] : [])],
    structuredContent: value,
  };
}
