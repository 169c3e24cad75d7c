import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import { defineQuery } from '@temporalio/workflow';
import type { VideoProgress } from './video-status';

export const VIDEO_WORKFLOW = 'videoWorkflow';

export const videoStatusQuery = defineQuery<VideoProgress>('status');

/**
 * Custom search attributes. The dev server registers them at start (`--search-attribute`), and the
 * worker registers them on a cluster at boot, so that the API can list and filter runs from visibility
 * instead of querying every workflow.
 */
export const SEARCH_ATTRIBUTES = {
  kind: defineSearchAttributeKey('VidflowKind', SearchAttributeType.KEYWORD),
  stage: defineSearchAttributeKey('VidflowStage', SearchAttributeType.KEYWORD),
  batchId: defineSearchAttributeKey('VidflowBatchId', SearchAttributeType.KEYWORD),
} as const;

/** Error types raised by activities and mapped to HTTP codes / user messages. */
export const ErrorTypes = {
  BadMedia: 'BadMedia',
  /** A media URL could not be fetched for now (5xx, timeout, dropped connection): retried with backoff. */
  MediaUnavailable: 'MediaUnavailable',
  BadInput: 'BadInput',
  ProviderRejected: 'ProviderRejected',
  ProviderUnavailable: 'ProviderUnavailable',
  RenderFailed: 'RenderFailed',
  ToolMissing: 'ToolMissing',
} as const;
