import { getBatchWithAllItems, reportBatch } from '../batch-api';
import type { Command } from '../command';
import { expectPositionals } from '../parse-args';

export const batchStatusCommand: Command = {
  name: 'batch-status',
  args: '<id>',
  summary: "show a batch's counts and every item (index, video id, status, error)",
  flags: {},
  async run(ctx, args) {
    const [id] = expectPositionals(args, ['id'], 'batch-status');
    return reportBatch(ctx, await getBatchWithAllItems(ctx.api, id!));
  },
};
