import type { ResourceBasedController } from '@temporalio/worker';
import { cpuBoundSlots } from './cpu-bound-slots';

describe('cpuBoundSlots', () => {
  const controller = { shared: true } as unknown as ResourceBasedController;
  const base = { fixedSlots: 3, maximumSlots: 16, rampThrottle: '1s' as const, controller: () => controller };

  it('gives the fixed count with the fixed tuner, and builds no controller', () => {
    const make = jest.fn(() => controller);
    expect(cpuBoundSlots({ ...base, controller: make, tuner: { kind: 'fixed', targetCpuUsage: 0.9, targetMemoryUsage: 0.8 } })).toEqual({
      maxConcurrentActivityTaskExecutions: 3,
    });
    expect(make).not.toHaveBeenCalled();
  });

  it('gives activities a resource-based supplier on the shared controller, bounded and throttled', () => {
    expect(cpuBoundSlots({ ...base, tuner: { kind: 'resource-based', targetCpuUsage: 0.9, targetMemoryUsage: 0.8 } })).toEqual({
      tuner: {
        activityTaskSlotSupplier: { type: 'resource-based', controller, minimumSlots: 1, maximumSlots: 16, rampThrottle: '1s' },
        workflowTaskSlotSupplier: { type: 'fixed-size', numSlots: 2 },
        localActivityTaskSlotSupplier: { type: 'fixed-size', numSlots: 2 },
        nexusTaskSlotSupplier: { type: 'fixed-size', numSlots: 1 },
      },
    });
  });
});
