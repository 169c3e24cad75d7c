import { Context } from '@temporalio/activity';
import type { SweepRunFoldersResult } from '@vidflow/contracts';
import type { ActivityDeps } from '../activity-deps';
import { TemporalWorkflowRuns, type RunState } from '../adapters/workflow-runs/workflow-runs';
import { pastGrace, selectSweepable } from './select-sweepable';

/** Folders younger than this are left alone unless the worker's configuration says otherwise. */
export const DEFAULT_SWEEP_GRACE_SECONDS = 900;

/**
 * Removes the work/<id> and tmp/<id> folders (and a transcription's transcriptions/<id>/work) of runs that are
 * closed, however they closed. cleanupVideo and cleanupTranscription do this at the end of every run the workflow
 * itself ends; a run terminated by an operator (`temporal workflow terminate`, the Web UI), or timed out, never
 * reaches them, and its scene audio or extracted audio stays behind. Run by the maintenance schedule.
 * Asks Temporal (the worker's client, unless the deps bring another) about each folder past the grace period.
 */
export function makeSweepRunFolders(deps: Pick<ActivityDeps, 'store' | 'workflowRuns' | 'sweepGraceSeconds'>) {
  return async function sweepRunFolders(): Promise<SweepRunFoldersResult> {
    const runs = deps.workflowRuns ?? new TemporalWorkflowRuns(Context.current().client);
    const graceMs = (deps.sweepGraceSeconds ?? DEFAULT_SWEEP_GRACE_SECONDS) * 1000;
    const folders = await deps.store.runFolders();
    const candidates = pastGrace({ folders, nowMs: Date.now(), graceMs });
    const states = new Map<string, RunState>();
    for (const id of new Set(candidates.map((f) => f.workflowId))) {
      states.set(id, await runs.stateOf(id));
      Context.current().heartbeat();
    }
    // The ages are read again: a folder written to while its run's state was asked about is kept.
    const fresh = new Map((await deps.store.runFolders()).map((f) => [f.path, f]));
    const chosen = selectSweepable({ folders: candidates.flatMap((f) => fresh.get(f.path) ?? []), states, nowMs: Date.now(), graceMs });
    for (const folder of chosen) await deps.store.remove(folder.path);
    return { removed: chosen.map((f) => f.path).sort(), kept: folders.length - chosen.length };
  };
}
