import { Context } from '@temporalio/activity';
import type { SweepRunFoldersResult } from '@vidflow/contracts';
import type { ActivityDeps } from '../activity-deps';
import { TemporalWorkflowRuns, type RunState, type WorkflowRuns } from '../adapters/workflow-runs/workflow-runs';
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
    return sweepRunFoldersOf({
      store: deps.store,
      runs: deps.workflowRuns ?? new TemporalWorkflowRuns(Context.current().client),
      graceSeconds: deps.sweepGraceSeconds,
      heartbeat: () => Context.current().heartbeat(),
    });
  };
}

/**
 * The sweep itself, outside any activity: the activity above runs it on the maintenance schedule's host, and with
 * ARTIFACT_STORE=s3 each worker runs it on its own DATA_DIR too (apps/worker host-sweeper), since then every host has
 * its own disk and the scheduled run reaches only one of them.
 */
export async function sweepRunFoldersOf(o: {
  store: ActivityDeps['store'];
  runs: WorkflowRuns;
  graceSeconds?: number;
  heartbeat?: () => void;
}): Promise<SweepRunFoldersResult> {
  const graceMs = (o.graceSeconds ?? DEFAULT_SWEEP_GRACE_SECONDS) * 1000;
  const folders = await o.store.runFolders();
  const candidates = pastGrace({ folders, nowMs: Date.now(), graceMs });
  const states = new Map<string, RunState>();
  for (const id of new Set(candidates.map((f) => f.workflowId))) {
    states.set(id, await o.runs.stateOf(id));
    o.heartbeat?.();
  }
  // The ages are read again: a folder written to while its run's state was asked about is kept.
  const fresh = new Map((await o.store.runFolders()).map((f) => [f.path, f]));
  const chosen = selectSweepable({ folders: candidates.flatMap((f) => fresh.get(f.path) ?? []), states, nowMs: Date.now(), graceMs });
  for (const folder of chosen) await o.store.remove(folder.path);
  return { removed: chosen.map((f) => f.path).sort(), kept: folders.length - chosen.length };
}
