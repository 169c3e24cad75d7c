export interface Queued<Op> {
  op: Op;
  resolve: (result: unknown) => void;
  reject: (error: unknown) => void;
}

export interface WriteQueueOptions<Op> {
  /** Most operations handed to one `apply` call (bounds the files one batch opens at once). */
  batchLimit: number;
  /**
   * Applies one batch. It settles each operation it finished itself; if it throws, every operation of the batch
   * is rejected with `failure(error)`.
   */
  apply: (batch: Array<Queued<Op>>) => Promise<void>;
  failure: (error: unknown) => unknown;
}

/**
 * Collects operations and hands them to `apply` in batches, one batch at a time: every operation that arrives
 * while a batch runs (or in the same tick as the first) joins the next one. For the embedded store this turns one
 * lock round trip and one state write per operation into one per batch, which keeps 16 concurrent activities from
 * queueing on the lock one by one.
 */
export class WriteQueue<Op> {
  private queue: Array<Queued<Op>> = [];
  private draining = false;
  private drained: Promise<void> = Promise.resolve();

  constructor(private readonly options: WriteQueueOptions<Op>) {}

  enqueue(op: Op): Promise<unknown> {
    return new Promise((resolve, reject) => {
      this.queue.push({ op, resolve, reject });
      if (!this.draining) {
        // Set and cleared synchronously with the queue check in drain(), so no operation is ever left unserved.
        this.draining = true;
        this.drained = this.drain();
      }
    });
  }

  /** Resolves once every operation queued so far has been applied (or failed). */
  async idle(): Promise<void> {
    while (this.draining) await this.drained;
  }

  private async drain(): Promise<void> {
    await Promise.resolve(); // let the operations issued in the same tick join the first batch
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, this.options.batchLimit);
      try {
        await this.options.apply(batch);
      } catch (error) {
        const failure = this.options.failure(error);
        for (const queued of batch) queued.reject(failure);
      }
    }
    this.draining = false;
  }
}
