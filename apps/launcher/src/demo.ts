import type { VidflowConfig } from '@vidflow/config';
import { isTerminalStatus, type VideoRequestInput, type VideoStatusView } from '@vidflow/contracts';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { DEMO_BACKGROUND, ensureDemoBackground } from './demo-background';
import { ProgressPrinter } from './progress-line';

/**
 * The sample video: what a short looks like on the offline defaults. The default caption preset (`bold`) highlights
 * each spoken word; the background is an image (drawn by ensureDemoBackground) moving with Ken Burns, a new move per
 * scene, with cross-fades between scenes.
 */
export function demoRequest(background: string): VideoRequestInput {
  return {
    topic: 'the deep sea',
    llm: { provider: 'offline', targetSeconds: 30 },
    render: { aspect: '9:16', captions: { enabled: true }, background: { image: background, motion: 'kenburns' }, transition: { type: 'fade' } },
  };
}

/** Submits the sample video through the REST API and follows it to the end with a progress bar. */
export async function runDemo(config: VidflowConfig, log: (line: string) => void): Promise<VideoStatusView> {
  const api = `http://127.0.0.1:${config.api.port}`;
  const request = demoRequest(await ensureDemoBackground(config));
  const res = await fetch(`${api}/api/videos`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(request),
  });
  const created = (await res.json()) as { id: string; error?: { message: string } };
  if (res.status !== 202) throw new Error(`the API refused the demo video (${res.status}): ${created.error?.message}`);
  log(`[demo] submitted ${created.id}: "${request.topic}" on the offline defaults (Ken Burns over ${join(config.mediaDir, DEMO_BACKGROUND)})`);
  log(`[demo] follow it in the Temporal UI: ${workflowUrl(config, created.id)}`);

  const printer = new ProgressPrinter();
  let status: VideoStatusView;
  for (;;) {
    const r = await fetch(`${api}/api/videos/${created.id}`);
    status = (await r.json()) as VideoStatusView;
    if (r.ok) printer.update(status);
    if (isTerminalStatus(status.status)) break;
    await sleep(500);
  }
  printer.done();
  if (status.status !== 'completed') {
    throw new Error(`the demo video ${status.status}: ${status.error?.message ?? 'no error message'}`);
  }
  const file = join(config.dataDir, 'videos', `${created.id}.mp4`);
  log(`[demo] done: ${status.result?.durationSeconds}s, ${status.result?.width}x${status.result?.height}, ${status.result?.bytes} bytes`);
  log(`[demo] MP4:         ${file}`);
  log(`[demo] download:    ${config.api.publicUrl}${status.result?.file}`);
  return status;
}

export function workflowUrl(config: VidflowConfig, workflowId: string): string {
  return `${config.temporal.uiUrl}/namespaces/${encodeURIComponent(config.temporal.namespace)}/workflows/${encodeURIComponent(workflowId)}`;
}
