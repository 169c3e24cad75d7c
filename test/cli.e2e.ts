import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ffprobe } from './support/ffprobe';
import { freePort } from './support/free-port';
import { startLauncher } from './support/launcher-process';
import { testEnv } from './support/test-stack';

const CLI = resolve(__dirname, '..', 'apps', 'cli', 'dist', 'main.js');

interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * The `vidflow` command line as a user runs it (built JS, a child process whose stdout is a pipe, not a
 * terminal) against a real stack started by the launcher: API, worker, ffmpeg, the test Temporal server.
 */
describe('vidflow CLI against a running stack', () => {
  let stack: ReturnType<typeof startLauncher>;
  let apiUrl: string;
  let dataDir: string;
  let work: string;

  const vidflow = (args: string[], extraEnv: NodeJS.ProcessEnv = {}): Promise<CliRun> =>
    new Promise((done, fail) => {
      const child = spawn(process.execPath, [CLI, ...args], {
        cwd: work,
        env: { ...process.env, VIDFLOW_API_URL: apiUrl, VIDFLOW_POLL_INTERVAL_MS: '200', ...extraEnv },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('error', fail);
      child.on('close', (code) => done({ code, stdout, stderr }));
    });

  beforeAll(async () => {
    const apiPort = await freePort();
    const env = testEnv({ API_PORT: String(apiPort) });
    dataDir = env.DATA_DIR!;
    work = mkdtempSync(join(process.env.VIDFLOW_TEST_ROOT!, 'cli-'));
    apiUrl = `http://127.0.0.1:${apiPort}`;
    stack = startLauncher(env);
    await stack.waitForLine(/vidflow is ready/, 120_000);
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it('create --wait --json follows a video to completion; status --json agrees; download saves a playable MP4', async () => {
    const created = await vidflow(['create', '--script', 'Octopuses have three hearts. Their blood is blue.', '--height', '640', '--wait', '--json']);
    expect(created.stderr).toBe('');
    expect(created.code).toBe(0);
    const final = JSON.parse(created.stdout); // one JSON document: no progress lines with --json
    expect(final).toMatchObject({ status: 'completed', stage: 'done', progress: 1, result: { width: 360, height: 640 } });

    const status = await vidflow(['status', final.id, '--json']);
    expect(status.code).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({ id: final.id, status: 'completed', result: final.result });

    const downloaded = await vidflow(['download', final.id, '-o', 'octopus.mp4', '--json']);
    expect(downloaded.code).toBe(0);
    const file = join(work, 'octopus.mp4');
    expect(JSON.parse(downloaded.stdout)).toEqual({ id: final.id, file, bytes: final.result.bytes });
    const probed = ffprobe(file);
    expect(probed.video).toEqual({ codec: 'h264', width: 360, height: 640 });
    expect(probed.audio).toEqual({ codec: 'aac' });
    expect(Math.abs(probed.duration - final.result.durationSeconds)).toBeLessThan(0.1);
    expect(readdirSync(work).filter((f) => f.endsWith('.part'))).toEqual([]);
  });

  it('create prints the id; watch prints plain progress lines (not a terminal) and exits 0 on completion', async () => {
    const created = await vidflow(['create', '--script', 'Tides follow the moon.', '--height', '480', '--aspect', '16:9', '--no-captions']);
    expect(created.code).toBe(0);
    const id = created.stdout.trim();
    expect(id).toMatch(/^vid-[\w-]+$/);

    const watched = await vidflow(['watch', id]);
    expect(watched.code).toBe(0);
    // No carriage returns or escape sequences: those are for terminals only.
    expect(watched.stdout.includes('\r') || watched.stdout.includes('\x1b')).toBe(false);
    const lines = watched.stdout.trim().split('\n');
    const end = lines.indexOf(`${id}  completed  stage done`);
    expect(end).toBeGreaterThanOrEqual(1);
    const progress = lines.slice(0, end);
    // A line only when something changed, ending at the finished state.
    expect(progress.filter((l, i) => l === progress[i - 1])).toEqual([]);
    expect(progress.at(-1)).toMatch(/^\[#{30}\] 100% {2}completed {2}script done {2}tts \d+\/\d+ {2}render done$/);
    expect(lines[end + 1]).toBe(progress.at(-1));
    expect(lines[end + 2]).toMatch(/^file: \/api\/videos\/vid-\S+\/file {2}\(\d+\.\d s, 854x480, [\d.]+ kB\)$/);
  });

  it('a request the API refuses exits 1 with its message and the field; bad flags exit 2 naming the flag', async () => {
    const refused = await vidflow(['create', '--script', 'Hello.', '--background-color', 'red']);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toMatch(/^error: .+\n {2}render\.background\.color: must be a hex colour such as #0b1d3a\n$/);

    const json = await vidflow(['create', '--script', 'Hello.', '--background-color', 'red', '--json']);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout).error).toMatchObject({ code: 'VALIDATION_FAILED', details: [{ field: 'render.background.color' }] });

    const unknown = await vidflow(['status', 'vid-00000000-0000-0000-0000-000000000000']);
    expect(unknown).toMatchObject({ code: 1, stderr: 'error: no video with id vid-00000000-0000-0000-0000-000000000000\n' });

    const usage = await vidflow(['create', '--topic', 'x', '--target-secs', '30']);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('unknown option --target-secs for "create"');

    const unreachable = await vidflow(['status', 'vid-1'], { VIDFLOW_API_URL: 'http://127.0.0.1:9' });
    expect(unreachable.code).toBe(1);
    expect(unreachable.stderr).toContain('cannot reach the vidflow API at http://127.0.0.1:9');
  });

  it('cancel stops a running video; watch then exits 1 and download is refused with the server message', async () => {
    const created = await vidflow(['create', '--topic', 'the history of clocks', '--target-seconds', '120']);
    expect(created.code).toBe(0);
    const id = created.stdout.trim();

    const cancelled = await vidflow(['cancel', id]);
    expect(cancelled).toMatchObject({ code: 0, stdout: `cancelling ${id}\n` });

    const watched = await vidflow(['watch', id]);
    expect(watched.code).toBe(1);
    expect(watched.stderr).toBe(`error: video ${id} cancelled\n`);

    const download = await vidflow(['download', id]);
    expect(download.code).toBe(1);
    expect(download.stderr).toBe(`error: video ${id} is cancelled; its file exists once it is completed\n`);
    expect(readdirSync(work).filter((f) => f.startsWith(id))).toEqual([]);
  });

  it('cache stats prints what GET /api/cache/stats answers: the first video left entries in every stage it cached', async () => {
    const stats = await vidflow(['cache', 'stats', '--json']);
    const res = await fetch(`${apiUrl}/api/cache/stats`);
    // The endpoint must work: a refusal here (or from the CLI) is a failure, not another accepted outcome.
    expect(res.status).toBe(200);
    expect(stats).toMatchObject({ code: 0, stderr: '' });
    const printed = JSON.parse(stats.stdout) as Record<string, unknown> & { byStage: Record<string, { entries: number; bytes: number }> };
    const body = (await res.json()) as typeof printed;
    // Nothing runs between the two reads (the earlier tests' videos have ended), so the CLI printed the answer itself.
    expect(printed).toEqual(body);
    expect(Object.keys(body.byStage).sort()).toEqual(['image', 'pipeline', 'render', 'script', 'stt', 'tts']);
    // The octopus video of the first test was cached as rendered file and as pipeline result (cache mode "use").
    expect(body.byStage.render!.entries).toBeGreaterThanOrEqual(1);
    expect(body.byStage.render!.bytes).toBeGreaterThan(0);
    expect(body.byStage.pipeline!.entries).toBeGreaterThanOrEqual(1);
    expect(body).toMatchObject({ entries: expect.any(Number), bytes: expect.any(Number), maxBytes: expect.any(Number), hitRate: expect.any(Number) });
    expect(body.entries as number).toBeGreaterThanOrEqual(2);

    const human = await vidflow(['cache', 'stats']);
    expect(human.code).toBe(0);
    const lines = human.stdout.trim().split('\n');
    expect(lines[0]).toMatch(new RegExp(`^entries ${body.entries} {2}\\S+ [kMGT]?B `));
    expect(lines.slice(1).map((l) => l.trim().split(' ')[0]).sort()).toEqual(['image', 'pipeline', 'render', 'script', 'stt', 'tts']);
  });

  it('schedules: create (paused), list, trigger (a batch runs), show its run, delete', async () => {
    writeFileSync(join(work, 'nightly.json'), JSON.stringify({ items: [{ script: 'Owls fly at night.', render: { height: 480 } }] }));
    const id = `cli-${Date.now().toString(36)}`;
    const created = await vidflow(['schedules', 'create', '--id', id, '--interval', '3600', '--paused', '--batch', 'nightly.json']);
    expect(created).toMatchObject({ code: 0, stdout: `${id}\n` });
    const duplicate = await vidflow(['schedules', 'create', '--id', id, '--interval', '3600', '--batch', 'nightly.json']);
    expect(duplicate.code).toBe(1);
    expect(duplicate.stderr).toMatch(/^error: .*\S/);

    const list = await vidflow(['schedules', 'list']);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(new RegExp(`^${id} +paused +every 3600 s`, 'm'));

    expect(await vidflow(['schedules', 'trigger', id])).toMatchObject({ code: 0, stdout: `triggered ${id}\n` });
    let runs: Array<{ batchId: string }> = [];
    for (const deadline = Date.now() + 30_000; runs.length === 0 && Date.now() < deadline; ) {
      const shown = await vidflow(['schedules', 'show', id, '--json']);
      expect({ code: shown.code, stderr: shown.stderr }).toEqual({ code: 0, stderr: '' });
      runs = JSON.parse(shown.stdout).recentRuns ?? [];
      if (runs.length === 0) await new Promise((r) => setTimeout(r, 500));
    }
    expect(runs).toHaveLength(1);
    const batch = await vidflow(['batch-status', runs[0]!.batchId, '--json']);
    expect(batch.code).toBe(0);
    expect(JSON.parse(batch.stdout)).toMatchObject({ id: runs[0]!.batchId, total: 1 });

    expect(await vidflow(['schedules', 'delete', id])).toMatchObject({ code: 0, stdout: `deleted ${id}\n` });
    const gone = await vidflow(['schedules', 'show', id]);
    expect(gone.code).toBe(1);
  });

  it('batch --wait runs a CSV file with an overall progress bar and a per-item summary; exits 1 when an item failed', async () => {
    writeFileSync(join(work, 'two.csv'), 'script,language,height\n"One, two. Three.",,480\nHello there.,zz,480\n');
    const run = await vidflow(['batch', 'two.csv', '--max-concurrent', '2', '--wait']);
    expect(run.code).toBe(1);
    const lines = run.stdout.trim().split('\n');
    const batchId = lines[0]!.split(' ')[0]!;
    expect(lines[0]).toBe(`${batchId}  (2 videos)`);
    expect(lines).toContain('[##############################] 100%  2/2 done  running 0  queued 0  failed 1  cache hits 0');
    const table = lines.slice(lines.findIndex((l) => l.startsWith('index')));
    expect(table[0]).toMatch(/^index {2}videoId +status +error$/);
    expect(table[1]).toMatch(/^0 +vid-\S+ +completed$/);
    expect(table[2]).toMatch(/^1 +vid-\S+ +failed +.*no voice "zz"/);
    expect(run.stderr).toBe(`error: batch ${batchId} completed: 1 failed, 0 cancelled of 2\n`);

    const status = await vidflow(['batch-status', batchId, '--json']);
    expect(status.code).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({
      id: batchId,
      status: 'completed',
      total: 2,
      completed: 1,
      failed: 1,
      items: [{ index: 0, status: 'completed' }, { index: 1, status: 'failed' }],
    });
    const video = JSON.parse(status.stdout).items[0].videoId as string;
    expect(ffprobe(join(dataDir, 'videos', `${video}.mp4`)).video).toEqual({ codec: 'h264', width: 270, height: 480 });
  });
});
