import type { Command } from '../command';
import { batchCancelCommand } from './batch-cancel.command';
import { batchRetryCommand } from './batch-retry.command';
import { batchStatusCommand } from './batch-status.command';
import { batchCommand } from './batch.command';
import { cacheStatsCommand } from './cache-stats.command';
import { cancelCommand } from './cancel.command';
import { createCommand } from './create.command';
import { downloadCommand } from './download.command';
import { mcpCommand } from './mcp.command';
import { scheduleCommands } from './schedules.command';
import { statusCommand } from './status.command';
import { transcribeCommand } from './transcribe.command';
import { watchCommand } from './watch.command';

export const COMMANDS: readonly Command[] = [
  createCommand,
  statusCommand,
  watchCommand,
  downloadCommand,
  cancelCommand,
  batchCommand,
  batchStatusCommand,
  batchCancelCommand,
  batchRetryCommand,
  ...scheduleCommands,
  cacheStatsCommand,
  transcribeCommand,
  mcpCommand,
];
