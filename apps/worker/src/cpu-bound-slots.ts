import type { Duration } from '@temporalio/common';
import type { ResourceBasedController, TunerHolder } from '@temporalio/worker';
import type { VidflowConfig } from '@vidflow/config';

/** How a worker of a CPU-bound queue (speech-to-text, render) sizes its activity slots. */
export type CpuBoundSlots = { maxConcurrentActivityTaskExecutions: number; tuner?: undefined } | { tuner: TunerHolder; maxConcurrentActivityTaskExecutions?: undefined };

export interface CpuBoundSlotsOptions {
  tuner: VidflowConfig['worker']['tuner'];
  /** The fixed slot count (WORKER_STT_CONCURRENCY, WORKER_RENDER_CONCURRENCY). */
  fixedSlots: number;
  /** With the resource-based tuner: at most this many at once, however idle the machine looks. */
  maximumSlots: number;
  /**
   * Time between two slots handed out beyond the first. A recogniser or an encoder needs a moment before its CPU
   * use shows; without a pause the tuner would hand out many slots before the first has loaded the machine.
   */
  rampThrottle: Duration;
  /** One controller for every resource-based worker of the process, so together they keep to one target. */
  controller: () => ResourceBasedController;
}

/**
 * Fixed counts, or Temporal's resource-based slot supplier for activities (the queue's workers run no workflows:
 * their other slot kinds stay small and fixed). Resource-based, a worker starts another activity only while the
 * machine's CPU and memory use stay below the targets, so one worker adapts to 2 cores or 64, and to chunks that
 * load the CPU (PocketSphinx) or wait on a server (the OpenAI provider).
 */
export function cpuBoundSlots(o: CpuBoundSlotsOptions): CpuBoundSlots {
  if (o.tuner.kind === 'fixed') return { maxConcurrentActivityTaskExecutions: o.fixedSlots };
  return {
    tuner: {
      activityTaskSlotSupplier: {
        type: 'resource-based',
        controller: o.controller(),
        minimumSlots: 1,
        maximumSlots: Math.max(1, o.maximumSlots),
        rampThrottle: o.rampThrottle,
      },
      workflowTaskSlotSupplier: { type: 'fixed-size', numSlots: 2 },
      localActivityTaskSlotSupplier: { type: 'fixed-size', numSlots: 2 },
      nexusTaskSlotSupplier: { type: 'fixed-size', numSlots: 1 },
    },
  };
}
