import type { RunFolder } from '../adapters/artifact-store/artifact-store';
import type { RunState } from '../adapters/workflow-runs/workflow-runs';
import { pastGrace, selectSweepable } from './select-sweepable';

const NOW = 10_000_000;
const GRACE = 900_000;
const folder = (workflowId: string, ageMs: number, area: RunFolder['area'] = 'work'): RunFolder => ({
  area,
  workflowId,
  path: `${area}/${workflowId}`,
  changedMs: NOW - ageMs,
});

describe('selectSweepable', () => {
  const pick = (folders: RunFolder[], states: Record<string, RunState>) =>
    selectSweepable({ folders, states: new Map(Object.entries(states)), nowMs: NOW, graceMs: GRACE }).map((f) => f.path);

  it('removes old folders of closed runs and of runs Temporal no longer knows, in work/ and tmp/', () => {
    const folders = [folder('vid-a', GRACE), folder('vid-a', GRACE + 1, 'tmp'), folder('vid-b', 10 * GRACE)];
    expect(pick(folders, { 'vid-a': 'closed', 'vid-b': 'gone' })).toEqual(['work/vid-a', 'tmp/vid-a', 'work/vid-b']);
  });

  it('never removes the folders of an open run, however old', () => {
    expect(pick([folder('vid-a', 1000 * GRACE), folder('vid-a', 1000 * GRACE, 'tmp')], { 'vid-a': 'open' })).toEqual([]);
  });

  it('keeps folders of runs Temporal did not answer about, or was not asked about', () => {
    expect(pick([folder('vid-a', 2 * GRACE), folder('vid-b', 2 * GRACE)], { 'vid-a': 'unknown' })).toEqual([]);
  });

  it('keeps a closed run\'s folder that changed within the grace period (a reset or retried run may be writing to it)', () => {
    expect(pick([folder('vid-a', GRACE - 1)], { 'vid-a': 'closed' })).toEqual([]);
  });

  it('does not consider names that cannot be workflow ids', () => {
    const folders = [folder('lost+found', 2 * GRACE), folder('.hidden', 2 * GRACE), folder('vid-ok', 2 * GRACE)];
    expect(pastGrace({ folders, nowMs: NOW, graceMs: GRACE }).map((f) => f.workflowId)).toEqual(['vid-ok']);
    expect(pick(folders, { 'lost+found': 'gone', '.hidden': 'gone', 'vid-ok': 'closed' })).toEqual(['work/vid-ok']);
  });

  it('with no grace period, a closed run\'s folder goes at once', () => {
    const folders = [folder('vid-a', 0)];
    expect(selectSweepable({ folders, states: new Map([['vid-a', 'closed']]), nowMs: NOW, graceMs: 0 })).toEqual(folders);
  });
});
