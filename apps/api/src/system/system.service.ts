import { Inject, Injectable } from '@nestjs/common';
import type { VidflowConfig } from '@vidflow/config';
import { MAX_CHUNK_SECONDS_RANGE, UPLOAD_CHUNK_BYTES, type SystemView } from '@vidflow/contracts';
import { readFileSync } from 'node:fs';
import { availableParallelism, freemem, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { TemporalGateway } from '../temporal/temporal-gateway';
import { CONFIG } from '../tokens';

/** apps/api/package.json, from src/system or dist/system alike. */
const VERSION = (JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as { version: string }).version;

/**
 * `GET /api/system`: what this API process measures itself (the machine it runs on, its own memory), what
 * Temporal says of each task queue (DescribeTaskQueue: pollers and backlog), and the settings it runs with.
 * Nothing is estimated: when Temporal does not answer, the task queues are null and the reason is given.
 */
@Injectable()
export class SystemService {
  constructor(
    @Inject(CONFIG) private readonly config: VidflowConfig,
    private readonly temporal: TemporalGateway,
  ) {}

  async describe(): Promise<SystemView> {
    const { taskQueues: q, worker, temporal } = this.config;
    const roles: Array<[string, string]> = [
      ['io', q.io],
      ['render', q.render],
      ['llm', q.llm],
      ['stt', q.stt],
    ];
    let taskQueues: SystemView['taskQueues'] = null;
    let reachable = true;
    let error: string | undefined;
    let serverVersion: string | undefined;
    try {
      // Both settle before the answer, so that no call is left running behind it.
      const [described, version] = await Promise.allSettled([this.temporal.describeTaskQueues(roles.map(([, name]) => name)), this.temporal.serverVersion()]);
      if (described.status === 'rejected') throw described.reason;
      const loads = described.value;
      serverVersion = version.status === 'fulfilled' && version.value ? version.value : undefined;
      taskQueues = {};
      for (const [name, { workflow, activity }] of Object.entries(loads)) {
        taskQueues[name] = {
          roles: roles.filter(([, n]) => n === name).map(([role]) => role),
          // One worker process polls both sides of a queue: its pollers are counted once.
          pollers: new Set([...workflow.identities, ...activity.identities]).size,
          backlog: workflow.backlog + activity.backlog,
          backlogAgeSeconds: Math.max(workflow.backlogAgeSeconds, activity.backlogAgeSeconds),
          workflow: { pollers: workflow.pollers, backlog: workflow.backlog, backlogAgeSeconds: workflow.backlogAgeSeconds },
          activity: { pollers: activity.pollers, backlog: activity.backlog, backlogAgeSeconds: activity.backlogAgeSeconds },
        };
      }
    } catch (err) {
      reachable = false;
      error = (err as Error).message;
    }
    const memory = process.memoryUsage();
    return {
      version: VERSION,
      node: process.version,
      machine: { cores: availableParallelism(), memoryBytes: totalmem(), freeMemoryBytes: freemem(), load: loadavg() as [number, number, number] },
      api: { pid: process.pid, rssBytes: memory.rss, heapUsedBytes: memory.heapUsed, uptimeSeconds: Math.round(process.uptime()) },
      taskQueues,
      tuner: {
        kind: worker.tuner.kind,
        targetCpuUsage: worker.tuner.targetCpuUsage,
        targetMemoryUsage: worker.tuner.targetMemoryUsage,
        slots: { io: worker.ioConcurrency, render: worker.renderConcurrency, stt: worker.sttConcurrency, workflow: worker.workflowConcurrency },
      },
      limits: {
        uploadMaxBytes: this.config.uploads.maxBytes,
        uploadExpirySeconds: this.config.uploads.expirySeconds,
        uploadChunkBytes: UPLOAD_CHUNK_BYTES,
        maxChunkSeconds: { ...MAX_CHUNK_SECONDS_RANGE },
        chunkParallelism: this.config.stt.parallelism,
        mediaDownloadMaxBytes: this.config.mediaDownload.maxBytes,
      },
      temporal: {
        address: temporal.address,
        namespace: temporal.namespace,
        uiUrl: temporal.uiUrl,
        reachable,
        ...(serverVersion ? { serverVersion } : {}),
        ...(error ? { error } : {}),
      },
    };
  }
}
