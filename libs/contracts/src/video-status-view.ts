import { initialStages, isTerminalStatus, overallProgress, type RunStatus, type Stage, type StageStates, type VideoError, type VideoProgress, type VideoStatusView } from './video-status';

/**
 * What Temporal says of a run that the status needs: the API passes its describe (RunInfo); the video workflow,
 * building its webhook's `data`, passes its own start time and now.
 */
export interface RunTimes {
  startTime: Date;
  closeTime?: Date;
  lastActivityTime?: Date;
  /** The render activity's last heartbeat, while it runs. */
  render?: { progress: number; attempt: number };
  /** The stage search attribute. */
  stage?: Stage;
}

export interface StatusParts {
  id: string;
  status: RunStatus;
  progress?: VideoProgress;
  error?: VideoError;
  desc: RunTimes;
  fileUrl: string;
  /** Where the poster frame of a completed video is served (the API's status; webhooks carry none). */
  thumbnailUrl?: string;
  /**
   * The last status served for the same run while it was running. A closed run's describe has no pending
   * activity any more, so the render progress its heartbeats showed is known only from here.
   */
  lastSeen?: VideoStatusView;
}

const STAGE_ORDER: Array<Exclude<Stage, 'done'>> = ['script', 'tts', 'render'];

/**
 * Builds the public status object of the REST contract from what Temporal told us. A terminal status never
 * shows a stage `running`: a run that ended failed (terminated and timed out included) shows its running stage
 * `failed`, a cancelled one `cancelled`. The workflow marks the stage itself when its own code ends the run; a
 * run closed from outside (`temporal workflow terminate`, an execution timeout) never ran that code, so its
 * state (the status query's replay, else the last status seen, else the stage search attribute) is settled here.
 */
export function toStatusView(p: StatusParts): VideoStatusView {
  // A JSON copy, not structuredClone: workflow code builds statuses too, and its sandbox has only what V8 has.
  const stages: StageStates = JSON.parse(JSON.stringify(p.progress?.stages ?? p.lastSeen?.stages ?? stagesUpTo(p.desc.stage))) as StageStates;
  const stage = p.progress?.stage ?? p.lastSeen?.stage ?? p.desc.stage ?? 'script';
  const live = p.status === 'running' ? p.desc.render : undefined;
  if (live && stages.render.status === 'running') {
    stages.render.progress = Math.round(live.progress * 1000) / 1000;
    stages.render.attempt = live.attempt;
  }
  const terminal = isTerminalStatus(p.status) && p.status !== 'completed';
  if (terminal) settle({ stages, lastSeen: p.lastSeen?.stages, to: p.status === 'cancelled' ? 'cancelled' : 'failed' });
  const error = p.error && p.status === 'failed' && !p.error.stage ? { ...p.error, stage } : p.error;
  const result = p.progress?.result;
  const updated = p.desc.closeTime ?? p.desc.lastActivityTime ?? p.desc.startTime;
  return {
    id: p.id,
    status: p.status,
    stage,
    progress: p.status === 'completed' ? 1 : overallProgress(stages),
    stages,
    cacheHit: p.progress?.cacheHit ?? false,
    ...(error ? { error } : {}),
    ...(p.progress?.scenes ? { scenes: p.progress.scenes } : {}),
    ...(result && p.status === 'completed'
      ? {
          result: {
            file: p.fileUrl,
            ...(p.thumbnailUrl ? { thumbnail: p.thumbnailUrl } : {}),
            durationSeconds: result.durationSeconds,
            width: result.width,
            height: result.height,
            bytes: result.bytes,
          },
        }
      : {}),
    ...(p.progress?.scenes ? { scenes: p.progress.scenes } : {}),
    ...(p.progress?.webhook ? { webhook: p.progress.webhook } : {}),
    createdAt: p.desc.startTime.toISOString(),
    updatedAt: updated.toISOString(),
  };
}

/**
 * A closed run's stages: the render progress last seen is kept (the workflow's own state never holds the live
 * heartbeat figure), and a stage still `running` becomes `to`.
 */
function settle(o: { stages: StageStates; lastSeen?: StageStates; to: 'failed' | 'cancelled' }): void {
  const seen = o.lastSeen?.render;
  const render = o.stages.render;
  if (seen && render.status !== 'completed' && seen.progress > render.progress) {
    render.progress = seen.progress;
    render.attempt = Math.max(render.attempt, seen.attempt);
  }
  for (const name of STAGE_ORDER) if (o.stages[name].status === 'running') o.stages[name].status = o.to;
}

/**
 * Stages as far as the stage search attribute says the run got, when nothing better is known (no worker answered
 * the query and this API never saw the run): the stages before it completed (the workflow enters a stage only
 * after the one before completed), that one running.
 */
function stagesUpTo(stage: Stage | undefined): StageStates {
  const stages = initialStages();
  if (!stage) return stages;
  const reached = stage === 'done' ? STAGE_ORDER.length : STAGE_ORDER.indexOf(stage);
  STAGE_ORDER.forEach((name, i) => {
    if (i < reached) stages[name].status = 'completed';
    else if (i === reached) stages[name].status = 'running';
  });
  return stages;
}
