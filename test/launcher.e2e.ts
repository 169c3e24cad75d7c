import type { VideoStatusView } from '@vidflow/contracts';
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { ffprobe } from './support/ffprobe';
import { freePort } from './support/free-port';
import { childPid, childPids, startLauncher } from './support/launcher-process';
import { testEnv, writeSlowBackground } from './support/test-stack';


/** `npm start`'s supervisor, run as a user would (built JS, real child processes). */
describe('launcher (npm start)', () => {
  it('restarts a worker killed with SIGKILL mid-render, and the video still completes', async () => {
    const apiPort = await freePort();
    const env = testEnv({ API_PORT: String(apiPort), WORKER_RENDER_CONCURRENCY: '1' });
    const launcher = startLauncher(env);
    try {
      await launcher.waitForLine(/vidflow is ready/, 120_000);
      const api = `http://127.0.0.1:${apiPort}`;
      const created = (await (
        await fetch(`${api}/api/videos`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ topic: 'tides', llm: { targetSeconds: 45 }, render: { fps: 60, background: { video: writeSlowBackground(join(env.DATA_DIR!, 'media')) } } }),
        })
      ).json()) as { id: string };
      await pollStatus(api, created.id, (s) => s.stage === 'render' && s.stages.render.progress > 0);

      const workerPid = childPid(launcher.process.pid!, 'vidflow-worker');
      process.kill(workerPid, 'SIGKILL');
      await launcher.waitForLine(/worker exited \(SIGKILL\); restarting/, 10_000);

      // The dead attempt times out on its missing heartbeats and is retried on the restarted worker.
      const done = await pollStatus(api, created.id, (s) => ['completed', 'failed', 'cancelled'].includes(s.status));
      expect(done.status).toBe('completed');
      expect(done.stages.render.attempt).toBeGreaterThanOrEqual(2);
      expect(childPid(launcher.process.pid!, 'vidflow-worker')).not.toBe(workerPid);
      const probed = ffprobe(join(env.DATA_DIR!, 'videos', `${created.id}.mp4`));
      expect(probed.video).toEqual({ codec: 'h264', width: 1080, height: 1920 });
      expect(existsSync(join(env.DATA_DIR!, 'tmp', created.id))).toBe(false);
    } finally {
      await launcher.stop();
    }
    // SIGTERM stops every child: no vidflow-api / vidflow-worker is left over.
    expect(launcher.process.exitCode).toBe(0);
    expect(childPids(launcher.process.pid!)).toEqual([]);
  });

  it('refuses to start with a clear message when the API port is taken', async () => {
    const blocker: Server = createServer();
    const port = await new Promise<number>((r) => blocker.listen(0, '127.0.0.1', () => r((blocker.address() as { port: number }).port)));
    try {
      const launcher = startLauncher(testEnv({ API_PORT: String(port) }));
      const code = await launcher.exited;
      expect(code).toBe(1);
      expect(launcher.output()).toContain(`port(s) already in use: API_PORT=${port}`);
      expect(launcher.output()).not.toMatch(/\n\s+at /); // a message, not a stack trace
    } finally {
      blocker.close();
    }
  });
});

async function pollStatus(api: string, id: string, done: (s: VideoStatusView) => boolean, timeoutMs = 180_000) {
  const deadline = Date.now() + timeoutMs;
  let last: VideoStatusView | undefined;
  while (Date.now() < deadline) {
    const res = await fetch(`${api}/api/videos/${id}`);
    if (res.ok) {
      last = (await res.json()) as VideoStatusView;
      if (done(last)) return last;
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`video ${id}: timed out; last status ${JSON.stringify(last)}`);
}
