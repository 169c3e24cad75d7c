import { initialStages, type VideoProgress, type VideoStatusView } from '@vidflow/contracts';
import type { RunInfo } from '../temporal/temporal-gateway';
import { toStatusView } from './video-status.mapper';

const desc = (o: Partial<RunInfo> = {}): RunInfo => ({
  status: 'TERMINATED',
  runId: 'run-1',
  startTime: new Date('2026-01-01T00:00:00Z'),
  closeTime: new Date('2026-01-01T00:01:00Z'),
  hasStartedActivity: false,
  memo: async () => undefined,
  ...o,
});

/** The workflow's state in the middle of its speech stage: 3 of 8 scenes spoken. */
function duringSpeech(): VideoProgress {
  const stages = initialStages();
  stages.script = { status: 'completed', cacheHit: false, provider: 'offline', seconds: 0.1 };
  stages.tts = { status: 'running', done: 3, total: 8, cacheHits: 0 };
  return { stage: 'tts', progress: 0, stages, cacheHit: false, sceneCount: 8 };
}

function duringRender(): VideoProgress {
  const p = duringSpeech();
  p.stage = 'render';
  p.stages.tts = { status: 'completed', done: 8, total: 8, cacheHits: 0, seconds: 2, audioSeconds: 30 };
  p.stages.render = { status: 'running', progress: 0, attempt: 0, cacheHit: false };
  return p;
}

const terminated = { type: 'Terminated', message: 'stuck, by operator' };

describe('toStatusView of a run closed from outside the workflow', () => {
  it('terminated during speech: failed, error Terminated in stage tts, the speech stage failed, not running', () => {
    const view = toStatusView({ id: 'vid-1', status: 'failed', progress: duringSpeech(), error: terminated, desc: desc({ stage: 'tts' }), fileUrl: '' });
    expect(view).toMatchObject({ status: 'failed', stage: 'tts', error: { type: 'Terminated', message: 'stuck, by operator', stage: 'tts' } });
    expect(view.stages.script.status).toBe('completed');
    expect(view.stages.tts).toMatchObject({ status: 'failed', done: 3, total: 8 });
    expect(view.stages.render.status).toBe('pending');
    expect(view.progress).toBeCloseTo(0.05 + 0.25 * (3 / 8), 3);
  });

  it('terminated during render: the render progress last seen while it ran is kept, with its attempt', () => {
    const lastSeen = { stage: 'render', stages: { ...duringRender().stages, render: { status: 'running', progress: 0.62, attempt: 2, cacheHit: false } } } as VideoStatusView;
    const view = toStatusView({ id: 'vid-1', status: 'failed', progress: duringRender(), error: terminated, desc: desc({ stage: 'render' }), fileUrl: '', lastSeen });
    expect(view.stages.render).toMatchObject({ status: 'failed', progress: 0.62, attempt: 2 });
    expect(view.error).toMatchObject({ type: 'Terminated', stage: 'render' });
    expect(view.progress).toBeCloseTo(0.05 + 0.25 + 0.7 * 0.62, 3);
    // The caller's progress object is not changed.
    expect(lastSeen.stages.render.status).toBe('running');
  });

  it('no worker answered and this API never saw the run: the stage search attribute says how far it got', () => {
    const view = toStatusView({ id: 'vid-1', status: 'failed', error: terminated, desc: desc({ stage: 'render' }), fileUrl: '' });
    expect(view.stage).toBe('render');
    expect(view.error!.stage).toBe('render');
    expect([view.stages.script.status, view.stages.tts.status, view.stages.render.status]).toEqual(['completed', 'completed', 'failed']);
  });

  it('no worker answered: the last status seen gives the stages', () => {
    const lastSeen = { stage: 'tts', stages: duringSpeech().stages } as VideoStatusView;
    const view = toStatusView({ id: 'vid-1', status: 'failed', error: terminated, desc: desc({ stage: 'tts' }), fileUrl: '', lastSeen });
    expect(view.stages.tts).toMatchObject({ status: 'failed', done: 3 });
  });

  it('a cancelled run shows its running stage cancelled; an error the workflow gave keeps its own stage', () => {
    const cancelled = toStatusView({ id: 'vid-1', status: 'cancelled', progress: duringRender(), desc: desc({ status: 'CANCELLED' }), fileUrl: '' });
    expect(cancelled.stages.render.status).toBe('cancelled');
    expect(cancelled).not.toHaveProperty('error');
    const failed = toStatusView({ id: 'vid-1', status: 'failed', progress: duringRender(), error: { type: 'BadInput', message: 'x', stage: 'tts' }, desc: desc({ status: 'FAILED' }), fileUrl: '' });
    expect(failed.error!.stage).toBe('tts');
  });

  it('a running video keeps its running stage and shows the live render heartbeat', () => {
    const view = toStatusView({ id: 'vid-1', status: 'running', progress: duringRender(), desc: desc({ status: 'RUNNING', closeTime: undefined, render: { progress: 0.4, attempt: 1 } }), fileUrl: '' });
    expect(view.stages.render).toMatchObject({ status: 'running', progress: 0.4, attempt: 1 });
    expect(view).not.toHaveProperty('error');
  });
});
