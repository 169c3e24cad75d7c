import { Client, Connection } from '@temporalio/client';
import type { VideoStatusView } from '@vidflow/contracts';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SMALL_HEIGHT, waitForRender, waitForVideoDone } from '../support/batch-under-fault';
import { ffprobe } from '../support/ffprobe';
import { ProcessStack } from '../support/process-stack';
import { sumSamples } from '../support/prometheus-text';
import { recordResults } from '../support/reliability-results';
import { writeSlowBackground } from '../support/test-stack';
import { activityRuns } from '../support/workflow-history';

/**
 * Scenario 5: ffmpeg killed mid-render (a crash, the OOM killer) is worth another attempt, and the video
 * completes; ffmpeg fed corrupt input (a truncated upload, a file that only claims to be an image) fails the
 * video at once, naming the request field, because no retry can repair the file.
 */
describe('reliability: ffmpeg killed and fed corrupt input', () => {
  let stack: ProcessStack;
  let client: Client;
  let connection: Connection;
  const mediaDir = () => join(stack.dataDir, 'media');
  beforeAll(async () => {
    stack = await new ProcessStack({ basePort: 7650, env: { WORKER_RENDER_CONCURRENCY: '1' } }).start();
    connection = await Connection.connect({ address: stack.temporalAddress });
    client = new Client({ connection });
  });
  afterAll(async () => {
    await connection?.close();
    await stack?.stop();
  });

  const renderFailures = async () => {
    const text = await stack.workerMetrics();
    return {
      RenderFailed: sumSamples(text, 'vidflow_activity_failures_total', { activity: 'renderVideo', type: 'RenderFailed' }),
      BadMedia: sumSamples(text, 'vidflow_activity_failures_total', { activity: 'renderVideo', type: 'BadMedia' }),
    };
  };

  it('retries a render whose ffmpeg was killed, and the video completes', async () => {
    // A moving background makes ffmpeg draw every frame, so the render lasts long enough to be killed half way.
    const background = writeSlowBackground(mediaDir());
    const res = await stack.post<{ id: string }>('/api/videos', {
      script: 'The tide comes in twice a day. The moon pulls the water. The sun helps a little. Then the tide goes out again.',
      render: { height: SMALL_HEIGHT, background: { video: background } },
    });
    expect(res.status).toBe(202);
    const [ffmpeg] = await waitForRender(stack.worker.pid);
    expect(ffmpeg!.videoId).toBe(res.body.id);
    process.kill(ffmpeg!.pid, 'SIGKILL');

    // While the next attempt waits or runs, Temporal shows why the first one failed.
    let lastFailure = '';
    const deadline = Date.now() + 60_000;
    while (!lastFailure && Date.now() < deadline) {
      const desc = await client.workflow.getHandle(res.body.id).describe();
      lastFailure = desc.raw.pendingActivities?.find((a) => a.lastFailure)?.lastFailure?.message ?? '';
      if (desc.status.name !== 'RUNNING') break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const status = await waitForVideoDone(stack, res.body.id);
    const runs = await activityRuns(client, res.body.id);
    const failures = await renderFailures();
    const probe = ffprobe(join(stack.dataDir, 'videos', `${res.body.id}.mp4`));
    recordResults('5-ffmpeg-killed', { ffmpegKills: 1, outcome: status.status, renderAttempts: status.stages.render.attempt, failedAttemptMessage: lastFailure, renderFailuresByType: failures, file: probe });

    expect(status.status).toBe('completed');
    expect(status.stages.render.attempt).toBe(2);
    expect(runs.find((r) => r.activity === 'renderVideo')).toMatchObject({ attempts: 2, outcome: 'completed' });
    expect(failures.RenderFailed).toBe(1);
    expect(lastFailure).toMatch(/ffmpeg/i);
    expect(probe).toMatchObject({ video: { codec: 'h264', height: SMALL_HEIGHT }, audio: { codec: 'aac' } });
    expect(Math.abs(probe.duration - status.stages.tts.audioSeconds!) / status.stages.tts.audioSeconds!).toBeLessThan(0.05);
  });

  it('fails at once, naming the field, when ffmpeg is fed a corrupt file', async () => {
    // An upload cut off half way (the MP4's index is at its end) and bytes that only claim to be a PNG.
    const whole = readFileSync(join(mediaDir(), writeSlowBackground(mediaDir(), 'whole.mp4')));
    writeFileSync(join(mediaDir(), 'truncated.mp4'), whole.subarray(0, Math.floor(whole.length / 2)));
    const png = execFileSync('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'color=c=blue:s=64x64', '-frames:v', '1', '-f', 'image2', '-c:v', 'png', '-']);
    writeFileSync(join(mediaDir(), 'corrupt.png'), Buffer.concat([png.subarray(0, 40), Buffer.alloc(png.length - 40, 0xa5)]));
    const before = await renderFailures();

    const cases = [
      { field: 'render.background.video', background: { video: 'truncated.mp4' } },
      { field: 'render.background.image', background: { image: 'corrupt.png' } },
    ];
    const outcomes = [];
    for (const c of cases) {
      const res = await stack.post<{ id: string }>('/api/videos', { script: `A background that is ${c.field}.`, render: { height: SMALL_HEIGHT, background: c.background } });
      const status: VideoStatusView = await waitForVideoDone(stack, res.body.id);
      const render = (await activityRuns(client, res.body.id)).find((r) => r.activity === 'renderVideo');
      outcomes.push({ field: c.field, status: status.status, error: status.error, renderAttempts: render?.attempts });
    }
    const after = await renderFailures();
    recordResults('5-ffmpeg-corrupt-input', { outcomes, badMediaFailures: after.BadMedia - before.BadMedia });

    for (const [i, c] of cases.entries()) {
      expect(outcomes[i]).toMatchObject({ status: 'failed', renderAttempts: 1, error: { type: 'BadMedia', stage: 'render' } });
      expect(outcomes[i]!.error!.message).toContain(c.field);
    }
    expect(after.BadMedia - before.BadMedia).toBe(cases.length);
    expect(after.RenderFailed).toBe(before.RenderFailed);
  });
});
