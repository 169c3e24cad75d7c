/**
 * `npm run bench:events` (issue #18): event-stream fan-out. On the stack `npm start` runs, 50 long videos are
 * submitted (they stay running or queued for the whole measurement), then two phases of PHASE_SECONDS each:
 *   A. 50 subscribers, one `GET /api/videos/:id/events` per video;
 *   B. 1,000 subscribers, 20 per video.
 * For each phase it prints the API's CPU (cores) and RSS, the status reads the API sent to Temporal per second
 * (`vidflow_status_reads_total` on its /metrics), the watchers and subscribers it reports, and the events
 * received. The figure that matters is reads/s B / reads/s A: about 1 (reads grow with videos, not subscribers).
 * Ports 7830-7832. Runs in about 2-3 minutes.
 */
import { request, type ClientRequest } from 'node:http';
import { machineLine, writeSection } from './bench-report';
import { cpuSeconds, rssMiB, startBenchStack, submitVideo } from './bench-stack';

const PORTS = { api: 7830, temporal: 7831, ui: 7832 };
const VIDEOS = Number(process.env.BENCH_VIDEOS ?? 50);
const PER_VIDEO_B = Number(process.env.BENCH_PER_VIDEO ?? 20);
const PHASE_SECONDS = Number(process.env.BENCH_DURATION_SECONDS ?? 20);

interface Phase {
  name: string;
  subscribers: number;
  apiCores: number;
  apiRssMiB: number;
  readsPerSecond: number;
  watchers: number;
  reportedSubscribers: number;
  events: number;
  keepAlives: number;
  terminalDuring: number;
}

async function main(): Promise<void> {
  const stack = await startBenchStack('events', PORTS, { RATE_LIMIT_PER_SECOND: '0' });
  try {
    const apiPid = stack.childPid('^vidflow-api');
    console.log(`submitting ${VIDEOS} long videos...`);
    const long = 'This sentence is here to make a long narration that keeps the video running. '.repeat(40);
    const ids: string[] = [];
    for (let i = 0; i < VIDEOS; i++) ids.push(await submit(stack.api, `Video ${i}. ${long}`));
    const phases: Phase[] = [];
    phases.push(await phase(stack.api, apiPid, 'A: one subscriber per video', ids, 1));
    phases.push(await phase(stack.api, apiPid, `B: ${PER_VIDEO_B} subscribers per video`, ids, PER_VIDEO_B));
    for (const p of phases) console.log(JSON.stringify(p));
    const [a, b] = phases as [Phase, Phase];
    const ratio = b.readsPerSecond / a.readsPerSecond;
    console.log(`Temporal status reads/s with ${b.subscribers} subscribers / with ${a.subscribers}: ${ratio.toFixed(2)} (1 = independent of subscribers)`);
    writeSection('events', report(phases, ratio));
  } finally {
    await stack.close();
  }
}

async function phase(api: string, apiPid: number, name: string, ids: string[], perVideo: number): Promise<Phase> {
  console.log(`${name}: ${ids.length * perVideo} streams for ${PHASE_SECONDS} s...`);
  let events = 0;
  let keepAlives = 0;
  let terminalDuring = 0;
  const streams: ClientRequest[] = [];
  for (const id of ids) {
    for (let i = 0; i < perVideo; i++) {
      const req = request(`${api}/api/videos/${id}/events`, (res) => {
        res.setEncoding('utf8').on('data', (chunk: string) => {
          events += (chunk.match(/^data: /gm) ?? []).length;
          keepAlives += (chunk.match(/^: keep-alive/gm) ?? []).length;
          terminalDuring += (chunk.match(/^event: end/gm) ?? []).length;
        });
      });
      req.on('error', () => undefined);
      req.end();
      streams.push(req);
    }
  }
  // Let every stream open before measuring.
  await new Promise((r) => setTimeout(r, 3000));
  const readsBefore = await statusReads(api);
  const cpuBefore = cpuSeconds(apiPid);
  const started = Date.now();
  await new Promise((r) => setTimeout(r, PHASE_SECONDS * 1000));
  const wall = (Date.now() - started) / 1000;
  const readsAfter = await statusReads(api);
  const apiCores = (cpuSeconds(apiPid) - cpuBefore) / wall;
  const metrics = await fetch(`${api}/metrics`).then((r) => r.text());
  const gauge = (of: string) => Number(new RegExp(`^vidflow_event_streams\\{kind="video",of="${of}"\\} (\\S+)`, 'm').exec(metrics)?.[1] ?? NaN);
  const figures: Phase = {
    name,
    subscribers: streams.length,
    apiCores,
    apiRssMiB: rssMiB(apiPid),
    readsPerSecond: (readsAfter - readsBefore) / wall,
    watchers: gauge('watchers'),
    reportedSubscribers: gauge('subscribers'),
    events,
    keepAlives,
    terminalDuring,
  };
  for (const s of streams) s.destroy();
  await new Promise((r) => setTimeout(r, 1000));
  return figures;
}

async function statusReads(api: string): Promise<number> {
  const text = await fetch(`${api}/metrics`).then((r) => r.text());
  return Number(/^vidflow_status_reads_total\{kind="video"\} (\S+)/m.exec(text)?.[1] ?? 0);
}


function submit(api: string, script: string): Promise<string> {
  return submitVideo(api, { script, cache: { mode: 'bypass' } });
}

function report(phases: Phase[], ratio: number): string {
  const rows = phases.map(
    (p) =>
      `| ${p.name} | ${p.subscribers} | ${p.reportedSubscribers} / ${p.watchers} | ${p.readsPerSecond.toFixed(1)} | ${p.apiCores.toFixed(2)} | ${p.apiRssMiB} | ${p.events} | ${p.keepAlives} | ${p.terminalDuring} |`,
  );
  return [
    '## Event streams: fan-out (`npm run bench:events`)',
    '',
    `Machine: ${machineLine()}. ${VIDEOS} running videos, ${PHASE_SECONDS} s per phase, STATUS_REFRESH_MS default.`,
    '',
    '| phase | streams | API: subscribers / watchers | Temporal status reads/s | API CPU (cores) | API RSS (MiB) | events received | keep-alives | ended meanwhile |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows,
    '',
    `Status reads per second with ${phases[1]!.subscribers} streams / with ${phases[0]!.subscribers}: **${ratio.toFixed(2)}** (1 means independent of the subscriber count).`,
  ].join('\n');
}

void main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
