import type { BatchProgress } from '@vidflow/contracts';
import { closedBatchProgress } from './closed-batch-progress';

describe('closedBatchProgress', () => {
  // Replayed state of a batch closed from outside while items 1 and 2 ran and 3 and 4 waited.
  const replayed: BatchProgress = { batchId: 'bat-1', status: 'running', items: 'crrqqf', errors: { 5: { type: 'BadInput', message: 'x' } }, cacheHits: 0, runs: 0 };

  it.each(['TERMINATED', 'TIMED_OUT'])('%s: failed, as a video closed that way; running and queued items cancelled', (status) => {
    expect(closedBatchProgress(replayed, status)).toEqual({ ...replayed, status: 'failed', items: 'cxxxxf' });
  });

  it('a run that ended itself keeps its items and takes the execution status', () => {
    expect(closedBatchProgress({ ...replayed, items: 'cxf' }, 'CANCELLED')).toMatchObject({ status: 'cancelled', items: 'cxf' });
    expect(closedBatchProgress({ ...replayed, items: 'cf' }, 'FAILED')).toMatchObject({ status: 'failed', items: 'cf' });
  });

  it('a running batch is left as its query answered', () => {
    expect(closedBatchProgress(replayed, 'RUNNING')).toBe(replayed);
  });
});
