/**
 * `npm run bench:e2e` (issue #18): a 52-60 s narration submitted to the stack `npm start` runs, submit -> completed
 * (read from the event stream), against the straightforward render of the same narration alone
 * (`-loop 1 -framerate 30` still image, x264 `-preset medium`, AAC), both in this run. Where the pipeline's time
 * goes comes from its workflow history (server timestamps of every activity: script, speech per scene, render,
 * and the scheduling between them), and the render is split further (video encode, audio concat + encode, mux,
 * ffprobe check) by running the same plan stand-alone on the narration the pipeline produced.
 * REPEATS runs each (fresh text, cache bypassed); medians. Ports 7833-7835. About 2-4 minutes.
 */
import { Client, Connection } from '@temporalio/client';
import { buildConcatList, buildRenderArgs, FfmpegRunner, runRenderPlan } from '@vidflow/media';
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { machineLine, writeSection } from './bench-report';
import { startBenchStack, submitVideo } from './bench-stack';
import { riverSentences } from './narration';
import { type Activity, activitiesOf, median, untilEnd } from './workflow-timing';

const PORTS = { api: 7833, temporal: 7834, ui: 7835 };
const REPEATS = Number(process.env.BENCH_REPEATS ?? 3);
const WIDTH = 1080;
const HEIGHT = 1920;
const FPS = 30;
const ffmpeg = new FfmpegRunner({ ffmpegPath: 'ffmpeg', ffprobePath: 'ffprobe' });



interface RunFigures {
  totalSeconds: number;
  videoSeconds: number;
  phases: Record<string, number>;
  render: Record<string, number>;
  baselineSeconds: number;
}

async function main(): Promise<void> {
  const stack = await startBenchStack('e2e', PORTS, { RATE_LIMIT_PER_SECOND: '0' });
  const connection = await Connection.connect({ address: stack.temporalAddress });
  const client = new Client({ connection });
  const dir = mkdtempSync(join(tmpdir(), 'vidflow-bench-e2e-'));
  try {
    const runs: RunFigures[] = [];
    for (let run = 0; run < REPEATS; run++) {
      const t0 = Date.now();
      const id = await submit(stack.api, riverSentences(run).join(' '));
      await untilEnd(stack.api, id);
      const totalSeconds = (Date.now() - t0) / 1000;
      const activities = await activitiesOf(client, id);
      const status = (await (await fetch(`${stack.api}/api/videos/${id}`)).json()) as { status: string; result?: { durationSeconds: number } };
      if (status.status !== 'completed') throw new Error(`${id} ended ${status.status}`);
      const mp4 = join(stack.dataDir, 'videos', `${id}.mp4`);
      const wav = join(dir, `narration-${run}.wav`);
      // The narration as the video carries it (mono speech), so the baseline encodes the same audio.
      execFileSync('ffmpeg', ['-v', 'error', '-y', '-i', mp4, '-vn', '-c:a', 'pcm_s16le', '-ar', '48000', wav]);
      const videoSeconds = status.result?.durationSeconds ?? 0;
      const figures: RunFigures = {
        totalSeconds,
        videoSeconds,
        phases: phases(activities, totalSeconds),
        render: await renderSteps(dir, wav, videoSeconds, run),
        baselineSeconds: await baseline(dir, wav, run),
      };
      console.log(JSON.stringify({ id, ...figures }));
      runs.push(figures);
    }
    const med = (f: (r: RunFigures) => number) => median(runs.map(f));
    const ratio = med((r) => r.baselineSeconds) / med((r) => r.totalSeconds);
    console.log(`end to end ${med((r) => r.totalSeconds).toFixed(2)} s vs straightforward render ${med((r) => r.baselineSeconds).toFixed(2)} s: ${ratio.toFixed(1)}x`);
    writeSection('e2e', report(runs, ratio, med));
  } finally {
    await connection.close();
    await stack.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

function submit(api: string, script: string): Promise<string> {
  return submitVideo(api, { script, cache: { mode: 'bypass' }, render: { captions: { enabled: false } } });
}



/** Seconds per phase: each kind of activity's span (parallel scenes merged), and everything else between them. */
function phases(activities: Activity[], totalSeconds: number): Record<string, number> {
  const kinds = new Map<string, Activity[]>();
  for (const a of activities) kinds.set(a.type, [...(kinds.get(a.type) ?? []), a]);
  const out: Record<string, number> = {};
  let busy = 0;
  let queued = 0;
  for (const [type, list] of kinds) {
    const from = Math.min(...list.map((a) => a.started));
    const to = Math.max(...list.map((a) => a.closed));
    out[type] = (to - from) / 1000;
    busy += to - from;
    queued += Math.max(...list.map((a) => a.started - a.scheduled));
  }
  out['waiting for a worker slot (scheduled -> started, max per kind)'] = queued / 1000;
  out['submit, scheduling between activities, end notification'] = totalSeconds - busy / 1000;
  return out;
}

/** The render activity's own steps on the same narration, run stand-alone: what each costs. */
async function renderSteps(dir: string, wav: string, seconds: number, run: number): Promise<Record<string, number>> {
  const list = join(dir, `narration-${run}.txt`);
  writeFileSync(list, buildConcatList([wav]));
  const output = join(dir, `render-${run}.mp4`);
  const plan = buildRenderArgs({
    width: WIDTH,
    height: HEIGHT,
    fps: FPS,
    durationSeconds: seconds,
    backgrounds: [{ background: { color: '#0b1d3a' }, startSeconds: 0 }],
    narrationList: list,
    preset: 'veryfast',
    output,
  });
  const time = async (fn: () => Promise<unknown>) => {
    const t = performance.now();
    await fn();
    return (performance.now() - t) / 1000;
  };
  const video = await time(() => ffmpeg.run(plan.video[0]!.spec));
  const audio = await time(() => ffmpeg.run(plan.audio));
  const mux = await time(() => ffmpeg.run(plan.mux));
  const probe = await time(() => ffmpeg.probe(output));
  const together = await time(() => runRenderPlan({ ffmpeg, plan, totalSeconds: seconds }));
  return { 'video encode': video, 'audio concat + AAC encode': audio, mux, 'ffprobe check': probe, 'video and audio at once, then mux (as the activity runs them)': together };
}

/**
 * The straightforward render: the still image looped at 30 fps, every frame encoded with x264 medium, AAC. Run
 * without blocking the event loop: a 40 s synchronous child would keep fetch's idle keep-alive connection to the
 * API open past the API's keep-alive timeout, and the next POST would go out on a socket the API had closed.
 */
async function baseline(dir: string, wav: string, run: number): Promise<number> {
  const image = join(dir, 'background.png');
  execFileSync('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', `color=c=0x0b1d3a:s=${WIDTH}x${HEIGHT}`, '-frames:v', '1', image]);
  const t = performance.now();
  await promisify(execFile)('ffmpeg', [
    '-v', 'error', '-y', '-loop', '1', '-framerate', String(FPS), '-i', image, '-i', wav,
    '-c:v', 'libx264', '-preset', 'medium', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-shortest', join(dir, `baseline-${run}.mp4`),
  ]);
  return (performance.now() - t) / 1000;
}


function report(runs: RunFigures[], ratio: number, med: (f: (r: RunFigures) => number) => number): string {
  const phaseNames = [...new Set(runs.flatMap((r) => Object.keys(r.phases)))];
  const renderNames = Object.keys(runs[0]!.render);
  return [
    '## End to end: narration submit -> completed (`npm run bench:e2e`)',
    '',
    `Machine: ${machineLine()}. ${REPEATS} runs, medians; narration ${med((r) => r.videoSeconds).toFixed(1)} s, ${WIDTH}x${HEIGHT}, no captions, offline defaults, cache bypassed.`,
    '',
    `| | seconds |`,
    `| --- | ---: |`,
    `| vidflow: POST -> \`event: end\` on the event stream | ${med((r) => r.totalSeconds).toFixed(2)} |`,
    `| straightforward render of the same narration (\`-loop 1 -framerate 30\`, x264 \`-preset medium\`, AAC) | ${med((r) => r.baselineSeconds).toFixed(2)} |`,
    `| **ratio** | **${ratio.toFixed(1)}x** |`,
    '',
    'Where the pipeline time goes (workflow history; parallel scene activities merged into one span):',
    '',
    '| phase | seconds |',
    '| --- | ---: |',
    ...phaseNames.map((p) => `| ${p} | ${med((r) => r.phases[p] ?? 0).toFixed(2)} |`),
    '',
    'The render activity\'s steps, run stand-alone on the same narration:',
    '',
    '| step | seconds |',
    '| --- | ---: |',
    ...renderNames.map((p) => `| ${p} | ${med((r) => r.render[p] ?? 0).toFixed(2)} |`),
  ].join('\n');
}

void main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
