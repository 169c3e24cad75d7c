/**
 * `npm run bench:visuals` (issue #16): a ~60 s video with a Pexels clip behind each of its 10 scenes, made by the
 * stack `npm start` runs against the local server that speaks Pexels' API (test/support/stock-media-test-server.ts),
 * and the same scenes without visuals in the same run, so what stock clips cost is the difference. The time is split
 * into search (the findSceneVisual activities, while the scenes are spoken), download (each scene's 1080x1920 clip
 * fetched stand-alone through the media downloader the render uses, one after the other as the render resolves
 * them) and the rest of the render. REPEATS runs each (fresh text, cache bypassed); medians. Ports 7836-7838.
 */
import { Client, Connection } from '@temporalio/client';
import { downloadMedia } from '@vidflow/activities';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startStockMediaTestServer, TEST_PEXELS_KEY } from '../test/support/stock-media-test-server';
import { machineLine, writeSection } from './bench-report';
import { startBenchStack, submitVideo } from './bench-stack';
import { riverSentences } from './narration';
import { activitiesOf, median, spanSeconds, untilEnd } from './workflow-timing';

const PORTS = { api: 7836, temporal: 7837, ui: 7838 };
const REPEATS = Number(process.env.BENCH_REPEATS ?? 3);
const CLIP_SECONDS = 8;

interface RunFigures {
  withVisuals: number;
  without: number;
  videoSeconds: number;
  search: number;
  speech: number;
  render: number;
  download: number;
  clipBytes: number;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'vidflow-bench-visuals-'));
  // One portrait HD clip (moving test pattern, the size the 1080x1920 frame picks from the server's renditions),
  // served under every scene's name: each scene downloads its own file, as with real stock footage.
  const clip = join(dir, 'clip.mp4');
  execFileSync('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', `testsrc2=s=1080x1920:r=25:d=${CLIP_SECONDS}`, '-c:v', 'libx264', '-preset', 'veryfast', '-pix_fmt', 'yuv420p', clip]);
  const bytes = readFileSync(clip);
  const names = (run: number) => Array.from({ length: 10 }, (_, i) => `river-${run}-${i}`);
  const files = Object.fromEntries(Array.from({ length: REPEATS }, (_, run) => names(run).map((n) => [`${n}-1-hd.mp4`, bytes])).flat());
  const pexels = await startStockMediaTestServer({ files });
  const stack = await startBenchStack('visuals', PORTS, {
    RATE_LIMIT_PER_SECOND: '0',
    PEXELS_API_KEY: TEST_PEXELS_KEY,
    PEXELS_BASE_URL: pexels.url,
    MEDIA_ALLOW_PRIVATE_URLS: 'true',
  });
  const connection = await Connection.connect({ address: stack.temporalAddress });
  const client = new Client({ connection });
  try {
    const runs: RunFigures[] = [];
    for (let run = 0; run < REPEATS; run++) {
      const sentences = riverSentences(run);
      const scenes = sentences.map((text, i) => ({ text, keywords: [names(run)[i]!] }));
      const made = async (request: Record<string, unknown>) => {
        const t0 = Date.now();
        const id = await submitVideo(stack.api, { ...request, cache: { mode: 'bypass' }, render: { captions: { enabled: false } } });
        await untilEnd(stack.api, id);
        const seconds = (Date.now() - t0) / 1000;
        const status = (await (await fetch(`${stack.api}/api/videos/${id}`)).json()) as { status: string; result?: { durationSeconds: number }; scenes?: Array<{ visual?: { source: string } }> };
        if (status.status !== 'completed') throw new Error(`${id} ended ${status.status}`);
        return { id, seconds, status };
      };
      const stock = await made({ scenes, visuals: { provider: 'pexels' } });
      const clips = stock.status.scenes?.filter((s) => s.visual?.source === 'pexels').length ?? 0;
      if (clips !== scenes.length) throw new Error(`${stock.id}: ${clips} of ${scenes.length} scenes showed a clip`);
      // The same text without visuals (run index in the text keeps it apart from the stock run's speech cache, bypassed anyway).
      const plain = await made({ scenes: sentences.map((text) => ({ text })) });
      const activities = await activitiesOf(client, stock.id);
      const download = await downloadAll(dir, names(run).map((n) => `${pexels.url}/files/${n}-1-hd.mp4`), run);
      const figures: RunFigures = {
        withVisuals: stock.seconds,
        without: plain.seconds,
        videoSeconds: stock.status.result?.durationSeconds ?? 0,
        search: spanSeconds(activities, 'findSceneVisual'),
        speech: spanSeconds(activities, 'synthesizeScene'),
        render: spanSeconds(activities, 'renderVideo'),
        download,
        clipBytes: bytes.length,
      };
      console.log(JSON.stringify({ id: stock.id, ...figures }));
      runs.push(figures);
    }
    const med = (f: (r: RunFigures) => number) => median(runs.map(f));
    console.log(`with a stock clip per scene ${med((r) => r.withVisuals).toFixed(2)} s, without ${med((r) => r.without).toFixed(2)} s`);
    writeSection('visuals', report(runs, med));
  } finally {
    await connection.close();
    await stack.close();
    await pexels.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Seconds to fetch every clip through the media downloader, one after the other (as the render resolves backgrounds). */
async function downloadAll(dir: string, urls: string[], run: number): Promise<number> {
  const into = mkdtempSync(join(dir, `download-${run}-`));
  const t = performance.now();
  for (const url of urls) {
    await downloadMedia({ url, field: 'bench', dir: into, allowPrivate: true, maxBytes: 200 * 1024 ** 2, timeoutSeconds: 60 });
  }
  return (performance.now() - t) / 1000;
}

function report(runs: RunFigures[], med: (f: (r: RunFigures) => number) => number): string {
  const extra = med((r) => r.withVisuals) - med((r) => r.without);
  return [
    '## End to end with a stock clip per scene (`npm run bench:visuals`)',
    '',
    `Machine: ${machineLine()}. ${REPEATS} runs, medians; 10 scenes, ${med((r) => r.videoSeconds).toFixed(1)} s of narration, 1080x1920, no captions, cache bypassed;`,
    `each scene's clip a ${CLIP_SECONDS} s 1080x1920 H.264 file of ${(med((r) => r.clipBytes) / 1024 ** 2).toFixed(1)} MiB from the local Pexels server (loopback, so the download is the downloader's own cost, not a network's).`,
    '',
    '| | seconds |',
    '| --- | ---: |',
    `| POST -> \`event: end\`, a Pexels clip behind every scene | ${med((r) => r.withVisuals).toFixed(2)} |`,
    `| the same scenes on the colour background (baseline, same run) | ${med((r) => r.without).toFixed(2)} |`,
    `| **what the clips cost** | **${extra.toFixed(2)} (${(med((r) => r.withVisuals) / med((r) => r.without)).toFixed(2)}x)** |`,
    '',
    'Split of the run with clips (workflow history; the searches run while the scenes are spoken):',
    '',
    '| phase | seconds |',
    '| --- | ---: |',
    `| search: the 10 findSceneVisual activities, first start to last close | ${med((r) => r.search).toFixed(2)} |`,
    `| speech: the 10 synthesizeScene activities (alongside the searches) | ${med((r) => r.speech).toFixed(2)} |`,
    `| render activity | ${med((r) => r.render).toFixed(2)} |`,
    `| of it, downloading the 10 clips (stand-alone, the same downloader, one after the other) | ${med((r) => r.download).toFixed(2)} |`,
    `| of it, the rest (decode, scale, concat and encode every frame; audio; mux) | ${(med((r) => r.render) - med((r) => r.download)).toFixed(2)} |`,
  ].join('\n');
}

void main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
