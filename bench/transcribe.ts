/**
 * Transcription benchmark: a recording of read English (Debian's LibriVox test recordings, each pass at another tempo so
 * that no two chunks have the same audio, looped to BENCH_MINUTES) transcribed by the offline provider with one chunk
 * at a time and with BENCH_PARALLEL chunks at once, cache bypassed; the worker is killed (SIGKILL) in the middle of a
 * third run, which must still complete, and the same file is then transcribed again from the cache. Runs its own
 * Temporal dev server and worker process (not the API: the workflow is started with the Temporal client).
 *
 *   npm run bench:transcribe     (BENCH_MINUTES=2 BENCH_PARALLEL=8 WORKER_TUNER=resource-based by default)
 */
import { Client, Connection } from '@temporalio/client';
import {
  TRANSCRIPTION_WORKFLOW,
  TranscriptionRequestSchema,
  transcriptionStatusQuery,
  transcriptionWorkflowInput,
  type TranscriptionProgress,
} from '@vidflow/contracts';
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { machineLine, writeSection } from './bench-report';
import { drain } from './bench-stack';

const LIBRIVOX = '/usr/share/pocketsphinx/test/data/librivox';
const WORKER = resolve(__dirname, '..', '..', 'apps', 'worker', 'dist', 'main.js');
const minutes = Number(process.env.BENCH_MINUTES ?? 2);
const parallel = Number(process.env.BENCH_PARALLEL ?? 8);
const temporalPort = Number(process.env.BENCH_TEMPORAL_PORT ?? 7750);
const workerHttpPort = Number(process.env.BENCH_WORKER_HTTP_PORT ?? 7752);

function temporalBin(): string {
  if (process.env.TEMPORAL_BIN) return process.env.TEMPORAL_BIN;
  const cached = join(homedir(), '.cache', 'vidflow', 'bin', 'temporal');
  return existsSync(cached) ? cached : 'temporal';
}

/** LibriVox passes at tempos 1.00, 0.97, 1.03, 0.94, ... with 0.8 s pauses, until `minutes` are filled. */
function buildRecording(dir: string): string {
  const files = readdirSync(LIBRIVOX).filter((f) => f.endsWith('.wav')).sort().map((f) => join(LIBRIVOX, f));
  const passes: string[] = [];
  for (let i = 0, seconds = 0; seconds < minutes * 60; i++) {
    const tempo = (1 + (i % 2 ? -1 : 1) * 0.03 * Math.ceil(i / 2)).toFixed(2);
    const out = join(dir, `pass-${i}.wav`);
    const pads = files.map((_, k) => `[${k}]apad=pad_dur=0.8[a${k}]`).join(';');
    const inputs = files.flatMap((f) => ['-i', f]);
    const concat = `${files.map((_, k) => `[a${k}]`).join('')}concat=n=${files.length}:v=0:a=1,atempo=${tempo}`;
    execFileSync('ffmpeg', ['-v', 'error', '-y', ...inputs, '-filter_complex', `${pads};${concat}`, '-ar', '16000', '-ac', '1', out]);
    passes.push(out);
    seconds += 28.7 / Number(tempo);
  }
  const output = join(dir, 'uploads', 'reading.m4a');
  mkdirSync(join(dir, 'uploads'), { recursive: true });
  const list = join(dir, 'passes.txt');
  writeFileSync(list, passes.map((p) => `file '${p}'`).join('\n'));
  execFileSync('ffmpeg', ['-v', 'error', '-y', '-f', 'concat', '-safe', '0', '-i', list, '-t', String(minutes * 60), '-c:a', 'aac', output]);
  return 'uploads/reading.m4a';
}

function rssKb(pid: number): number {
  try {
    return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
  } catch {
    return 0;
  }
}

function recognisers(): number {
  let n = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() === 'pocketsphinx_co') n++;
    } catch {
      // gone
    }
  }
  return n;
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'vidflow-bench-transcribe-'));
  const media = buildRecording(dataDir);
  const env = {
    ...process.env,
    DATA_DIR: dataDir,
    TEMPORAL_ADDRESS: `127.0.0.1:${temporalPort}`,
    WORKER_HTTP_PORT: String(workerHttpPort),
    WORKER_TEMPORAL_METRICS_PORT: '0',
  };
  const temporal = spawn(temporalBin(), ['server', 'start-dev', '--ip', '127.0.0.1', '--port', String(temporalPort), '--ui-port', String(temporalPort + 1), '--headless', '--log-level', 'error'], { stdio: 'ignore' });
  let worker: ChildProcess | undefined;
  const startWorker = async () => {
    worker = spawn(process.execPath, [WORKER], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    drain(worker);
    for (let i = 0; i < 120; i++) {
      const ready = await fetch(`http://127.0.0.1:${workerHttpPort}/health/ready`).then((r) => r.ok, () => false);
      if (ready) return;
      await new Promise((r) => setTimeout(r, 500));
    }
    throw new Error('the worker did not become ready');
  };
  try {
    await startWorker();
    const connection = await Connection.connect({ address: env.TEMPORAL_ADDRESS });
    const client = new Client({ connection });
    const run = async (name: string, chunkParallelism: number, mode: 'use' | 'bypass', during?: (s: TranscriptionProgress) => Promise<void>) => {
      const transcriptionId = `trn-bench-${name}-${Date.now()}`;
      const input = transcriptionWorkflowInput({
        transcriptionId,
        request: TranscriptionRequestSchema.parse({ source: { upload: 'reading' }, maxChunkSeconds: 30, formats: ['json'], cache: { mode } }),
        media: { path: media },
        run: { ioTaskQueue: 'vidflow-io', sttTaskQueue: 'vidflow-stt', renderTaskQueue: 'vidflow-render', chunkParallelism },
      });
      const started = Date.now();
      const handle = await client.workflow.start(TRANSCRIPTION_WORKFLOW, { workflowId: transcriptionId, taskQueue: 'vidflow-io', args: [input] });
      let peakRss = 0;
      let peakRecognisers = 0;
      const loads: number[] = [];
      const sampler = setInterval(() => {
        peakRss = Math.max(peakRss, worker?.pid ? rssKb(worker.pid) : 0);
        peakRecognisers = Math.max(peakRecognisers, recognisers());
        loads.push(loadavg()[0]!);
      }, 1000);
      const poller = during
        ? setInterval(
            () =>
              void handle.query(transcriptionStatusQuery).then(during, (err: Error) => console.log(`status query failed: ${err.message}`)),
            2000,
          )
        : undefined;
      const result = (await handle.result()) as TranscriptionProgress;
      clearInterval(sampler);
      if (poller) clearInterval(poller);
      const seconds = (Date.now() - started) / 1000;
      const load = loads.length ? loads.reduce((a, b) => a + b, 0) / loads.length : 0;
      return { seconds, result, peakRssMb: Math.round(peakRss / 1024), peakRecognisers, load };
    };

    const serial = await run('serial', 1, 'bypass');
    const par = await run('parallel', parallel, 'bypass');
    let killedAt: string | undefined;
    const kill = await run('kill', parallel, 'use', async (s) => {
      if (killedAt || s.stage !== 'transcribe' || s.chunks.done < Math.ceil(s.chunks.total / 3)) return;
      killedAt = `${s.chunks.done}/${s.chunks.total} chunks done`;
      console.log(`killing the worker (pid ${worker?.pid}) with ${killedAt}`);
      worker!.kill('SIGKILL');
      await startWorker();
    });
    const again = await run('again', parallel, 'use');
    await connection.close();

    const audio = serial.result.durationSeconds ?? 0;
    const row = (label: string, r: typeof serial) =>
      `| ${label} | ${r.seconds.toFixed(1)} s | ${(r.seconds / audio).toFixed(2)} | ${r.peakRecognisers} | ${r.peakRssMb} MB | ${r.load.toFixed(1)} | ${r.result.chunks.cacheHits}/${r.result.chunks.total} |`;
    const md = [
      `## Transcription: ${(audio / 60).toFixed(1)} minutes of read English, offline provider (\`npm run bench:transcribe\`)`,
      '',
      machineLine(),
      `Tuner: ${process.env.WORKER_TUNER ?? 'resource-based'}. Chunks of at most 30 s cut at pauses.`,
      '',
      '| run | wall | real-time factor | recognisers at once (peak) | worker RSS (peak) | load average (1 min, mean) | cache hits |',
      '|---|---|---|---|---|---|---|',
      row('one chunk at a time', serial),
      row(`${parallel} chunks at once`, par),
      row(`${parallel} at once, worker SIGKILLed ${killedAt ? `with ${killedAt}` : '(never: the run ended first)'} and restarted`, kill),
      row('the same file again (cache)', again),
      '',
      `Speed-up of ${parallel} parallel chunks over one at a time: ${(serial.seconds / par.seconds).toFixed(2)}x.`,
    ].join('\n');
    console.log(md);
    if (process.env.BENCH_WRITE !== '0') writeSection('transcribe', md);
  } finally {
    worker?.kill('SIGTERM');
    temporal.kill('SIGTERM');
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
