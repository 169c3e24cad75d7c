/**
 * `npm run bench:render`: how much faster vidflow renders a 60 s captioned 1080x1920 narration video
 * than the straightforward ffmpeg command, both measured in this run on this machine, on the same
 * inputs (a still background image, the narration, the same ASS captions). Each variant runs
 * REPEATS times; the medians are compared. Then the same for word-by-word captions on the still image
 * and for a Ken Burns image per scene with cross-fades, each against the straightforward command for the
 * same output. Writes its section of BENCHMARKS.md at the repository root.
 */
import { EspeakSpeechProvider, OfflineScriptWriter } from '@vidflow/activities';
import {
  buildAssSubtitles,
  buildCaptionCues,
  buildConcatList,
  buildRenderArgs,
  buildSpeechNormalizeArgs,
  buildStyledCaptions,
  captionLayout,
  FfmpegRunner,
  type FfmpegSpec,
  type RenderPlan,
  resolveCaptionStyle,
  runRenderPlan,
  SCENE_PAUSE_SECONDS,
  toArgv,
} from '@vidflow/media';
import { CaptionOptionsSchema } from '@vidflow/contracts';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { writeSection } from './bench-report';

const WIDTH = 1080;
const HEIGHT = 1920;
const FPS = 30;
const TARGET_SECONDS = 60;
const REPEATS = Number(process.env.BENCH_REPEATS ?? 3);
/** The cross-fade of the Ken Burns case (render.transition.seconds). */
const FADE_SECONDS = 0.4;
const PRESET = 'veryfast';
/** The pieces the render activity splits a moving picture into (MOVING_PICTURE_PIECES in render-video.activity.ts). */
const KEN_BURNS_PIECES = 2;
const ROOT = resolve(__dirname, '..', '..');

const ffmpeg = new FfmpegRunner({ ffmpegPath: 'ffmpeg', ffprobePath: 'ffprobe' });

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'vidflow-bench-'));
  try {
    const inputs = await prepareInputs(dir);
    console.log(`narration: ${inputs.scenes} scenes, ${inputs.durationSeconds.toFixed(2)} s; ${inputs.cues} caption phrases`);

    const baseline = baselineSpec(inputs, join(dir, 'baseline.mp4'));
    const vidflow = vidflowSpec(inputs, join(dir, 'vidflow.mp4'), false);
    const cfr = vidflowSpec(inputs, join(dir, 'vidflow-cfr.mp4'), true);
    const times: Record<'baseline' | 'vidflow' | 'cfr', number[]> = { baseline: [], vidflow: [], cfr: [] };
    // Interleaved, so that a change in machine load during the run hits every variant alike.
    for (let i = 0; i < REPEATS; i++) {
      for (const [name, job] of [['baseline', baseline], ['vidflow', vidflow], ['cfr', cfr]] as const) {
        const seconds = await timed(job);
        times[name].push(seconds);
        console.log(`run ${i + 1}/${REPEATS} ${name.padEnd(8)} ${seconds.toFixed(2)} s`);
      }
    }
    for (const file of [baseline.output, vidflow.mux.output, cfr.mux.output]) check(file, inputs.durationSeconds);

    const median = { baseline: med(times.baseline), vidflow: med(times.vidflow), cfr: med(times.cfr) };
    const ratio = median.baseline / median.vidflow;
    const cfrRatio = median.baseline / median.cfr;
    console.log(`median baseline ${median.baseline.toFixed(2)} s, vidflow ${median.vidflow.toFixed(2)} s (${ratio.toFixed(1)}x), CFR ${median.cfr.toFixed(2)} s (${cfrRatio.toFixed(1)}x)`);
    const quality = await measureQuality(inputs);
    writeReport({ inputs, baseline, vidflow, cfr, times, median, ratio, cfrRatio, quality });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** One quality case: vidflow's plan against the straightforward command for the same output, medians of REPEATS runs. */
interface QualityCase {
  name: string;
  baselineLabel: string;
  vidflowLabel: string;
  target: number;
  baseline: FfmpegSpec;
  vidflow: RenderPlan;
  times: { baseline: number[]; vidflow: number[] };
  ratio: number;
}

/**
 * Word-by-word captions on the still image (many more distinct pictures: one per spoken word), and a Ken Burns
 * image per scene with cross-fades (every frame differs). Each baseline is the straightforward command for the
 * same pictures: the looped image (or the same zoompan and xfade graph) with the same subtitles, video and
 * audio in one ffmpeg at x264's `-preset medium`.
 */
async function measureQuality(i: Inputs): Promise<QualityCase[]> {
  const wordAss = join(i.dir, 'captions-word.ass');
  const styled = buildStyledCaptions({
    scenes: i.audio.map((a) => ({ text: a.text, durationSeconds: a.seconds, speechSeconds: a.seconds - SCENE_PAUSE_SECONDS })),
    style: resolveCaptionStyle(CaptionOptionsSchema.parse({ mode: 'word' }), { width: WIDTH, height: HEIGHT }),
    width: WIDTH,
    height: HEIGHT,
    language: 'en',
  });
  writeFileSync(wordAss, styled.ass);
  const captions = { subtitlesPath: wordAss, cues: styled.events };
  const word = buildRenderArgs({ ...planBase(i, join(i.dir, 'word.mp4')), captions, backgrounds: [{ background: { image: i.image }, startSeconds: 0 }] });
  let start = 0;
  const runs = i.audio.map((a) => {
    const run = { background: { image: i.image, motion: 'kenburns' as const }, startSeconds: start };
    start += a.seconds;
    return run;
  });
  const kenBurnsOptions = { ...planBase(i, join(i.dir, 'kenburns.mp4')), captions, backgrounds: runs, transition: { seconds: FADE_SECONDS } };
  // As the render activity asks for it (its MOVING_PICTURE_PIECES); the baseline runs the one-process graph.
  const kenBurns = buildRenderArgs({ ...kenBurnsOptions, pieces: KEN_BURNS_PIECES });
  const cases: QualityCase[] = [
    {
      name: 'word captions, still image',
      baselineLabel: `still image looped at ${FPS} fps, the word-by-word subtitles, x264 \`-preset medium\``,
      vidflowLabel: `vidflow: each distinct picture (one per spoken word) drawn once, VFR, \`-preset ${PRESET}\``,
      target: 10,
      baseline: baselineSpec({ ...i, subtitlesPath: wordAss }, join(i.dir, 'word-baseline.mp4')),
      vidflow: word,
      times: { baseline: [], vidflow: [] },
      ratio: 0,
    },
    {
      name: `Ken Burns per scene with ${FADE_SECONDS} s cross-fades, word captions`,
      baselineLabel: 'the same zoompan and xfade graph and subtitles, video and audio in one ffmpeg, x264 `-preset medium`',
      vidflowLabel: `vidflow: the picture in ${kenBurns.video.length} pieces and the audio encoded at once, joined by copying, \`-preset ${PRESET}\`, AAC \`-aac_coder fast\``,
      target: 2,
      baseline: sameGraphBaseline(buildRenderArgs(kenBurnsOptions), i, join(i.dir, 'kenburns-baseline.mp4')),
      vidflow: kenBurns,
      times: { baseline: [], vidflow: [] },
      ratio: 0,
    },
  ];
  for (const c of cases) {
    for (let r = 0; r < REPEATS; r++) {
      for (const side of ['baseline', 'vidflow'] as const) {
        const seconds = await timed(c[side]);
        c.times[side].push(seconds);
        console.log(`${c.name}: run ${r + 1}/${REPEATS} ${side.padEnd(8)} ${seconds.toFixed(2)} s`);
      }
    }
    check(c.baseline.output, i.durationSeconds);
    check(c.vidflow.mux.output, i.durationSeconds);
    // Every frame is drawn when the picture moves: the joined pieces must hold every frame of the fps grid.
    if (c.vidflow.video.length > 1) checkFrames(c.vidflow.mux.output, Math.round(i.durationSeconds * FPS));
    c.ratio = med(c.times.baseline) / med(c.times.vidflow);
    console.log(`${c.name}: ${c.ratio.toFixed(1)}x (target ${c.target}x)`);
  }
  return cases;
}

/** The render options every vidflow plan here shares. */
function planBase(i: Inputs, output: string) {
  return { width: WIDTH, height: HEIGHT, fps: FPS, durationSeconds: i.durationSeconds, narrationList: i.narrationList, preset: PRESET, output };
}

/** vidflow's own video filter graph, with the audio, in one ffmpeg at `-preset medium`: what a hand-written command would run. */
function sameGraphBaseline(plan: RenderPlan, i: Inputs, output: string): FfmpegSpec {
  const video = plan.video[0]!.spec;
  const narration = video.inputs.length;
  return {
    inputs: [...video.inputs, { source: i.narrationList, options: ['-f', 'concat', '-safe', '0'] }],
    filterComplex: video.filterComplex!,
    outputOptions: [
      '-map', '[v]', '-map', `${narration}:a`,
      '-c:v', 'libx264', '-preset', 'medium', '-pix_fmt', 'yuv420p', '-r', String(FPS),
      '-c:a', 'aac', '-b:a', '128k', '-ar', '48000', '-ac', '2',
      '-t', i.durationSeconds.toFixed(3),
      '-movflags', '+faststart',
    ],
    output,
  };
}

interface Inputs {
  dir: string;
  image: string;
  narrationList: string;
  subtitlesPath: string;
  cues: number;
  cueList: ReturnType<typeof buildCaptionCues>;
  scenes: number;
  audio: Array<{ path: string; seconds: number; text: string }>;
  durationSeconds: number;
}

/** A ~60 s narration as the offline writer and espeak-ng make it, normalised as the speech stage does. */
async function prepareInputs(dir: string): Promise<Inputs> {
  // espeak-ng speaks faster than the offline writer's words-per-second estimate: ask again with a
  // corrected target until the narration is within 3 s of a minute.
  let target = TARGET_SECONDS;
  let narration = await speak(dir, target);
  for (let i = 0; i < 3 && Math.abs(narration.seconds - TARGET_SECONDS) > 3; i++) {
    target = Math.round((target * TARGET_SECONDS) / narration.seconds);
    narration = await speak(dir, target);
  }
  const { scenes, audio } = narration;
  const narrationList = join(dir, 'narration.txt');
  writeFileSync(narrationList, buildConcatList(audio.map((a) => a.path)));
  const cueList = buildCaptionCues({
    scenes: audio.map((a) => ({ text: a.text, durationSeconds: a.seconds })),
    maxChars: captionLayout(WIDTH, HEIGHT).maxChars,
    language: 'en',
  });
  const subtitlesPath = join(dir, 'captions.ass');
  writeFileSync(subtitlesPath, buildAssSubtitles(cueList, { width: WIDTH, height: HEIGHT }));
  const image = join(dir, 'bg.png');
  execFileSync('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', `gradients=s=${WIDTH}x${HEIGHT}:seed=7`, '-frames:v', '1', image]);
  return {
    dir,
    image,
    narrationList,
    subtitlesPath,
    cues: cueList.length,
    cueList,
    scenes: scenes.length,
    audio,
    durationSeconds: audio.reduce((s, a) => s + a.seconds, 0),
  };
}

async function speak(dir: string, targetSeconds: number) {
  const scenes = await new OfflineScriptWriter().write({ topic: 'the deep sea', language: 'en', targetSeconds });
  const espeak = new EspeakSpeechProvider();
  const audio: Array<{ path: string; seconds: number; text: string }> = [];
  for (const [i, scene] of scenes.entries()) {
    const raw = join(dir, `raw-${i}.wav`);
    await espeak.synthesize({ text: scene.text, language: 'en', voice: { provider: 'espeak', speed: 1 }, output: raw });
    const path = join(dir, `scene-${i}.wav`);
    await ffmpeg.run(buildSpeechNormalizeArgs({ input: raw, output: path }));
    audio.push({ path, seconds: (await ffmpeg.probe(path)).durationSeconds, text: scene.text });
  }
  return { scenes, audio, seconds: audio.reduce((s, a) => s + a.seconds, 0) };
}

/** The straightforward command: the image looped at 30 fps, every frame subtitled and encoded. */
function baselineSpec(i: Inputs, output: string): FfmpegSpec {
  return {
    inputs: [
      { source: i.image, options: ['-loop', '1', '-framerate', String(FPS)] },
      { source: i.narrationList, options: ['-f', 'concat', '-safe', '0'] },
    ],
    outputOptions: [
      '-vf', `subtitles=filename=${i.subtitlesPath}`,
      '-map', '0:v', '-map', '1:a',
      '-c:v', 'libx264', '-preset', 'medium', '-pix_fmt', 'yuv420p',
      '-c:a', 'aac', '-b:a', '128k', '-ar', '48000', '-ac', '2',
      '-t', i.durationSeconds.toFixed(3),
      '-movflags', '+faststart',
    ],
    output,
  };
}

/** What the render activity runs for the same request (image background, captions, default preset). */
function vidflowSpec(i: Inputs, output: string, cfr: boolean): RenderPlan {
  return buildRenderArgs({
    width: WIDTH,
    height: HEIGHT,
    fps: FPS,
    durationSeconds: i.durationSeconds,
    backgrounds: [{ background: { image: i.image }, startSeconds: 0 }],
    narrationList: i.narrationList,
    captions: { subtitlesPath: i.subtitlesPath, cues: i.cueList },
    cfr,
    preset: PRESET,
    output,
  });
}

/** Wall-clock seconds of one ffmpeg command, or of a render plan as the render activity runs it. */
async function timed(job: FfmpegSpec | RenderPlan): Promise<number> {
  const start = process.hrtime.bigint();
  if ('mux' in job) await runRenderPlan({ ffmpeg, plan: job, totalSeconds: 1 });
  else await ffmpeg.run(job);
  return Number(process.hrtime.bigint() - start) / 1e9;
}

function check(file: string, seconds: number): void {
  const out = execFileSync('ffprobe', ['-v', 'error', '-show_entries', 'stream=codec_name,width,height:format=duration', '-of', 'json', file], { encoding: 'utf8' });
  const data = JSON.parse(out) as { format: { duration: string }; streams: Array<{ codec_name: string; width?: number; height?: number }> };
  const video = data.streams.find((s) => s.width);
  const ok =
    video?.codec_name === 'h264' && video.width === WIDTH && video.height === HEIGHT && data.streams.some((s) => s.codec_name === 'aac') &&
    Math.abs(Number(data.format.duration) - seconds) / seconds < 0.02;
  if (!ok) throw new Error(`${file} is not a ${WIDTH}x${HEIGHT} H.264/AAC file of ${seconds.toFixed(2)} s: ${out}`);
}

function checkFrames(file: string, frames: number): void {
  const out = execFileSync('ffprobe', ['-v', 'error', '-select_streams', 'v', '-count_packets', '-show_entries', 'stream=nb_read_packets', '-of', 'csv=p=0', file], { encoding: 'utf8' });
  if (Number(out.trim()) !== frames) throw new Error(`${file} has ${out.trim()} video frames, expected ${frames}`);
}

function med(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function shell(spec: FfmpegSpec, dir: string): string {
  return ['ffmpeg', ...toArgv(spec)]
    .map((a) => a.split(dir).join('$DIR'))
    .map((a) => (/^[\w@%+=:,./$-]+$/.test(a) ? a : `'${a.replace(/'/g, "'\\''")}'`))
    .join(' ');
}

function writeReport(r: {
  inputs: Inputs;
  baseline: FfmpegSpec;
  vidflow: RenderPlan;
  cfr: RenderPlan;
  times: Record<'baseline' | 'vidflow' | 'cfr', number[]>;
  median: Record<'baseline' | 'vidflow' | 'cfr', number>;
  ratio: number;
  cfrRatio: number;
  quality: QualityCase[];
}): void {
  const cpu = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? cpus()[0]?.model ?? 'unknown';
  const nproc = execFileSync('nproc', { encoding: 'utf8' }).trim();
  const ffmpegVersion = execFileSync('ffmpeg', ['-version'], { encoding: 'utf8' }).split('\n')[0];
  const fmt = (xs: number[]) => xs.map((x) => x.toFixed(2)).join(', ');
  const long = (cmd: string) => (cmd.length > 3000 ? `${cmd.slice(0, 3000)} …` : cmd);
  const vidflowCmds = [r.vidflow.video[0]!.spec, r.vidflow.audio, r.vidflow.mux].map((spec) => long(shell(spec, r.inputs.dir))).join('\n');
  const cfrVideo = long(shell(r.cfr.video[0]!.spec, r.inputs.dir));
  const qualityRows = r.quality
    .map((c) => {
      const met = c.ratio >= c.target ? 'met' : '**missed**';
      return `| ${c.name} | ${c.baselineLabel}: ${med(c.times.baseline).toFixed(2)} (${fmt(c.times.baseline)}) | ${c.vidflowLabel}: ${med(c.times.vidflow).toFixed(2)} (${fmt(c.times.vidflow)}) | **${c.ratio.toFixed(1)}x** | ${c.target}x, ${met} |`;
    })
    .join('\n');
  const qualityCmds = r.quality
    .map((c) => {
      const pieces = c.vidflow.video.map((p, k) => `vidflow video${c.vidflow.video.length > 1 ? ` piece ${k + 1} of ${c.vidflow.video.length}` : ''}:\n${long(shell(p.spec, r.inputs.dir))}`);
      const join = c.vidflow.pieceList ? [`joined with the audio (the list: ${c.vidflow.pieceList.content.trim().split(r.inputs.dir).join('$DIR').split('\n').join('; ')}):\n${shell(c.vidflow.mux, r.inputs.dir)}`] : [];
      return [`${c.name}, baseline:\n${long(shell(c.baseline, r.inputs.dir))}`, ...pieces, ...join].join('\n');
    })
    .join('\n\n');
  const report = `Measured by \`npm run bench:render\` (bench/render.ts), which rebuilds, then times every variant ${REPEATS} times in one run,
interleaved, and compares medians. Numbers from another machine or another run are never mixed in.

## Render: 60 s captioned narration, ${WIDTH}x${HEIGHT}, ${FPS} fps

Inputs, the same for every variant: the offline writer's script for "the deep sea" (${r.inputs.scenes} scenes), spoken by
espeak-ng and loudness-normalised as the speech stage does (${r.inputs.durationSeconds.toFixed(2)} s of narration), its
${r.inputs.cues} caption phrases as the render activity writes them (ASS), and a ${WIDTH}x${HEIGHT} PNG background.
Every output is checked with ffprobe (H.264 ${WIDTH}x${HEIGHT}, AAC, duration within 2%).

| variant | median (s) | runs (s) | speed-up vs baseline |
|---|---|---|---|
| baseline: still image looped at ${FPS} fps, subtitles, x264 \`-preset medium\` | ${r.median.baseline.toFixed(2)} | ${fmt(r.times.baseline)} | 1x |
| vidflow (default: each distinct frame drawn and encoded once, VFR on the ${FPS} fps grid, \`-preset ${PRESET}\`) | ${r.median.vidflow.toFixed(2)} | ${fmt(r.times.vidflow)} | **${r.ratio.toFixed(1)}x** |
| vidflow with \`RENDER_CFR=true\` (every one of the ${FPS} fps frames written) | ${r.median.cfr.toFixed(2)} | ${fmt(r.times.cfr)} | **${r.cfrRatio.toFixed(1)}x** |

Machine: ${nproc} CPUs (\`nproc\`), ${cpu}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM; ${ffmpegVersion}.
Measured ${new Date().toISOString()}; load average at the end ${loadavg().map((l) => l.toFixed(2)).join(' / ')} (1/5/15 min;
other jobs on the machine slow every variant, which is why the variants are interleaved and compared in one run).

Reproduce: \`npm run bench:render\` (needs ffmpeg and espeak-ng, as \`npm run setup\` installs them).

Baseline command (\`$DIR\` is the benchmark's scratch directory):
\`\`\`
${shell(r.baseline, r.inputs.dir)}
\`\`\`

vidflow's commands (from \`buildRenderArgs\`, run by \`runRenderPlan\`: the first two at the same time, then the
mux; the setpts expressions list every distinct frame):
\`\`\`
${vidflowCmds}
\`\`\`

The CFR mode's video command (audio and mux as above):
\`\`\`
${cfrVideo}
\`\`\`

Why it is faster: the baseline decodes, scales, subtitles and encodes ${Math.round(r.inputs.durationSeconds * FPS)} frames, nearly all
identical to the one before, with x264's slower preset, and encodes the audio in the same process with the AAC encoder's
default (slow) coder (ffmpeg's one main thread runs the filters and the AAC encoder in turn). vidflow draws each picture once per caption change (a few dozen), stamps each with its
time on the ${FPS} fps grid and encodes only those (\`-fps_mode vfr\`, \`-tune stillimage\`, no B-frames), while a second
ffmpeg encodes the AAC at the same time with \`-aac_coder fast\` (a third of the default coder's time at 128 kb/s); a
stream-copy mux joins them. The CFR mode still draws each picture once but
repeats it onto every grid frame (\`fps\` filter), which x264 codes as skipped macroblocks with its per-frame analysis
turned down; writing ${Math.round(r.inputs.durationSeconds * FPS)} frames is what costs it the difference.

### Word-by-word captions and Ken Burns motion (same run, same narration)

The word captions are those the render activity writes for \`render.captions.mode: "word"\` (the \`bold\` preset, the spoken
word in the highlight colour, so a picture per spoken word); the Ken Burns case moves the image in every one of
the ${r.inputs.scenes} scenes (\`render.background.motion: "kenburns"\`, a new move per scene) with
\`render.transition: { type: "fade", seconds: ${FADE_SECONDS} }\` and the same word captions. Seconds are medians (all runs in brackets).

| case | baseline (s) | vidflow (s) | speed-up | target |
|---|---|---|---|---|
${qualityRows}

With motion every frame differs, so the still-frame path does not apply: the speed-up is the preset, the separate audio
encode and using both cores. Both sides run the same filters (zoompan on the image at twice the frame, xfade, libass),
which ffmpeg 5.1 runs on one thread, so one process leaves a core half idle; vidflow splits the frames into
${KEN_BURNS_PIECES} contiguous pieces (no cross-fade cut in two; captions asked at the frames' times in the whole video, so the same
ASS file serves every piece), draws and encodes them in ${KEN_BURNS_PIECES} ffmpeg processes at once, and the mux joins them
without re-encoding (concat demuxer, each piece starting with a keyframe). The joined file is checked for every one of
its ${Math.round(r.inputs.durationSeconds * FPS)} frames. The commands (truncated):
\`\`\`
${qualityCmds}
\`\`\`
`;
  // Only this benchmark's section: bench:api and bench:batch keep theirs.
  writeSection('render', report);
  console.log(`wrote the render section of ${join(ROOT, 'BENCHMARKS.md')}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
