import { WriteQueue, type Queued } from './write-queue';

describe('WriteQueue', () => {
  const applyAll = (seen: number[][]) => async (batch: Array<Queued<number>>) => {
    seen.push(batch.map(({ op }) => op));
    await new Promise((resolve) => setTimeout(resolve, 5));
    for (const { op, resolve } of batch) resolve(op * 10);
  };

  it('applies the operations of one tick as one batch, and those arriving meanwhile as the next', async () => {
    const seen: number[][] = [];
    const queue = new WriteQueue<number>({ batchLimit: 100, apply: applyAll(seen), failure: (e) => e });
    const first = [1, 2, 3].map((n) => queue.enqueue(n));
    await new Promise((resolve) => setTimeout(resolve, 1)); // the first batch is running now
    const second = [4, 5].map((n) => queue.enqueue(n));
    expect(await Promise.all([...first, ...second])).toEqual([10, 20, 30, 40, 50]);
    expect(seen).toEqual([[1, 2, 3], [4, 5]]);
  });

  it('never hands more than batchLimit operations to one apply', async () => {
    const seen: number[][] = [];
    const queue = new WriteQueue<number>({ batchLimit: 2, apply: applyAll(seen), failure: (e) => e });
    await Promise.all([1, 2, 3, 4, 5].map((n) => queue.enqueue(n)));
    expect(seen).toEqual([[1, 2], [3, 4], [5]]);
  });

  it('rejects every unsettled operation of a failed batch with the mapped error and goes on with the next', async () => {
    let calls = 0;
    const queue = new WriteQueue<number>({
      batchLimit: 2,
      apply: async (batch) => {
        calls += 1;
        if (calls === 1) {
          batch[0].resolve('done before the failure');
          throw new Error('disk gone');
        }
        for (const { resolve } of batch) resolve('ok');
      },
      failure: (error) => new RangeError(`mapped: ${(error as Error).message}`),
    });
    const results = await Promise.allSettled([1, 2, 3].map((n) => queue.enqueue(n)));
    expect(results[0]).toEqual({ status: 'fulfilled', value: 'done before the failure' });
    expect(results[1]).toMatchObject({ status: 'rejected', reason: new RangeError('mapped: disk gone') });
    expect(results[2]).toEqual({ status: 'fulfilled', value: 'ok' });
  });

  it('idle() waits for every queued operation', async () => {
    const applied: number[] = [];
    const queue = new WriteQueue<number>({
      batchLimit: 1,
      apply: async (batch) => {
        await new Promise((resolve) => setTimeout(resolve, 5));
        for (const { op, resolve } of batch) {
          applied.push(op);
          resolve(undefined);
        }
      },
      failure: (e) => e,
    });
    void queue.enqueue(1);
    void queue.enqueue(2);
    await queue.idle();
    expect(applied).toEqual([1, 2]);
  });
});
