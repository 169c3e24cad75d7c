import type { RunFolder } from '../adapters/artifact-store/artifact-store';
import type { RunState } from '../adapters/workflow-runs/workflow-runs';

/** Folder names that can be workflow ids; anything else under work/ or tmp/ is not the sweeper's to touch. */
const WORKFLOW_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,254}$/;

/** The folders old enough to be considered: only their runs are asked about. */
export function pastGrace(options: { folders: RunFolder[]; nowMs: number; graceMs: number }): RunFolder[] {
  return options.folders.filter((f) => WORKFLOW_ID.test(f.workflowId) && options.nowMs - f.changedMs >= options.graceMs);
}

/**
 * The folders the sweeper removes: past the grace period and of a run that is closed (however it closed) or
 * that Temporal no longer knows. An open run's folders are never removed, however old; nor are those of a run
 * Temporal did not answer about. The grace period covers what a state read at one moment cannot: a run reset,
 * or a batch item retried, under the same id just after its state was read writes into the folder, and a
 * folder that changed recently is left for the next sweep.
 */
export function selectSweepable(options: { folders: RunFolder[]; states: ReadonlyMap<string, RunState>; nowMs: number; graceMs: number }): RunFolder[] {
  return pastGrace(options).filter((f) => {
    const state = options.states.get(f.workflowId);
    return state === 'closed' || state === 'gone';
  });
}
