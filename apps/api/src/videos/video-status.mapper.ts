import {
  initialStages,
  overallProgress,
  type RunStatus,
  type VideoError,
  type VideoProgress,
  type VideoStatusView,
} from '@vidflow/contracts';
import type { RunInfo } from '../temporal/temporal-gateway';

export interface StatusParts {
  id: string;
  status: RunStatus;
  progress?: VideoProgress;
  error?: VideoError;
  desc: RunInfo;
  fileUrl: string;
}

/** Builds the public status object of the REST contract from what Temporal told us. */
export function toStatusView(p: StatusParts): VideoStatusView {
  const stages = p.progress?.stages ?? initialStages();
  const live = p.status === 'running' ? p.desc.render : undefined;
  if (live && stages.render.status === 'running') {
    stages.render.progress = Math.round(live.progress * 1000) / 1000;
    stages.render.attempt = live.attempt;
  }
  const result = p.progress?.result;
  const updated = p.desc.closeTime ?? p.desc.lastActivityTime ?? p.desc.startTime;
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
