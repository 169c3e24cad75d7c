import type { WorkflowExecutionDescription } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import {
  initialStages,
  overallProgress,
  type RenderHeartbeat,
  type RunStatus,
  type VideoError,
  type VideoProgress,
  type VideoStatusView,
} from '@vidflow/contracts';

/** Live render progress and attempt number, from the render activity's last heartbeat. */
export function renderActivityState(desc: WorkflowExecutionDescription): { progress: number; attempt: number } | undefined {
  const pending = desc.raw.pendingActivities?.find((a) => a.activityType?.name === 'renderVideo');
  if (!pending) return undefined;
  let progress = 0;
  const payload = pending.heartbeatDetails?.payloads?.[0];
  if (payload) {
    try {
      progress = Number(defaultPayloadConverter.fromPayload<RenderHeartbeat>(payload)?.progress) || 0;
    } catch {
      progress = 0;
    }
  }
  return { progress, attempt: pending.attempt ?? 1 };
}

export interface StatusParts {
  id: string;
  status: RunStatus;
  progress?: VideoProgress;
  error?: VideoError;
  desc: WorkflowExecutionDescription;
  fileUrl: string;
}

/** Builds the public status object of the REST contract from what Temporal told us. */
export function toStatusView(p: StatusParts): VideoStatusView {
  const stages = p.progress?.stages ?? initialStages();
  const live = p.status === 'running' ? renderActivityState(p.desc) : undefined;
  if (live && stages.render.status === 'running') {
    stages.render.progress = Math.round(live.progress * 1000) / 1000;
    stages.render.attempt = live.attempt;
  }
  const result = p.progress?.result;
  const updated = p.desc.closeTime ?? latestActivityTime(p.desc) ?? p.desc.startTime;
  return {
    id: p.id,
    status: p.status,
    stage: p.progress?.stage ?? 'script',
    progress: p.status === 'completed' ? 1 : overallProgress(stages),
    stages,
    cacheHit: p.progress?.cacheHit ?? false,
    ...(p.error ? { error: p.error } : {}),
    ...(result && p.status === 'completed'
      ? {
          result: {
            file: p.fileUrl,
            durationSeconds: result.durationSeconds,
            width: result.width,
            height: result.height,
            bytes: result.bytes,
          },
        }
      : {}),
    createdAt: p.desc.startTime.toISOString(),
    updatedAt: updated.toISOString(),
  };
}

function latestActivityTime(desc: WorkflowExecutionDescription): Date | undefined {
  let latest: number | undefined;
  for (const a of desc.raw.pendingActivities ?? []) {
    for (const t of [a.lastHeartbeatTime, a.lastStartedTime]) {
      const ms = t?.seconds != null ? Number(t.seconds) * 1000 + Math.floor((t.nanos ?? 0) / 1e6) : undefined;
      if (ms && (!latest || ms > latest)) latest = ms;
    }
  }
  return latest ? new Date(latest) : undefined;
}
