import type { CaptionCue } from './build-caption-cues';
import { escapeFilterValue } from './escape-filter-value';
import type { FfmpegInput, FfmpegSpec } from './ffmpeg-spec';
import { h264EncoderArgs, type H264Encoder } from './encoders/h264-encoder';
import { planStillFrames, type StillFrame } from './plan-still-frames';

/** A background with its media already resolved to a readable local file; `kenburns` moves an image (see kenBurnsFilter). */
export type RenderBackground = { color: string } | { image: string; motion?: 'kenburns' } | { video: string };

/** How consecutive background runs meet: a cross-fade of `seconds` that starts at the cut (render.transition). */
export interface RenderTransition {
  seconds: number;
}

/** One background from `startSeconds` until the next run starts (or the video ends). */
export interface BackgroundRun {
  background: RenderBackground;
  startSeconds: number;
}

export interface RenderMusic {
  /** A local audio (or video with audio) file; looped to the narration's length. */
  path: string;
  /** Gain of the music, 0..1. */
  volume: number;
  /** Lower the music while the narration speaks (sidechain compression keyed by the narration). */
  duck: boolean;
}

/**
 * A render as three ffmpeg runs: `video` and `audio` are independent and run at the same time (in one
 * process, ffmpeg's single main thread would run the filter graph and the AAC encoder one after the
 * other), then `mux` copies both streams into `output` without re-encoding.
 */
export interface RenderPlan {
  video: FfmpegSpec;
  audio: FfmpegSpec;
  mux: FfmpegSpec;
}

export interface RenderArgsOptions {
  width: number;
  height: number;
  fps: number;
  durationSeconds: number;
  /** Consecutive backgrounds, the first starting at 0. Colours are validated: they enter the filter graph. */
  backgrounds: BackgroundRun[];
  /** A concat-demuxer list of the scenes' normalised speech files. */
  narrationList: string;
  /** The ASS file with the captions and the cues it holds (their times decide which frames differ); undefined for none. */
  captions?: { subtitlesPath: string; cues: CaptionCue[] };
  music?: RenderMusic;
  /** Cross-fade between background runs; absent for hard cuts. */
  transition?: RenderTransition;
  /** Write every frame of the fps grid (for platforms that refuse variable-frame-rate files). */
  cfr?: boolean;
  preset: string;
  /** The H.264 encoder (RENDER_ENCODER, as probed at worker start); libx264 when unset. */
  encoder?: H264Encoder;
  /** The finished MP4; the intermediate streams are written next to it (`<output>.video.mp4`, `<output>.audio.m4a`). */
  output: string;
}

/**
 * Background(s), burned-in captions, narration (and music) -> H.264 + AAC MP4, as a `RenderPlan`.
 *
 * With still backgrounds (colours, images) the picture only changes where a caption or the background
 * changes, so each distinct picture is drawn and encoded once (`planStillFrames`) and held until the
 * next one: the file is variable-frame-rate with every timestamp on the `fps` grid (`-r fps -fps_mode
 * vfr`), which players and ffprobe report as `fps`. That replaces decoding, scaling, subtitling and
 * encoding 1,800 identical frames a minute with a few dozen. `cfr` still draws each picture once, then
 * repeats it onto every grid frame (`fps` filter) for x264 to code as skipped macroblocks, with its
 * per-frame analysis turned down. Video backgrounds move, so then every frame is drawn.
 *
 * B-frames are off for stills: with a handful of frames they save nothing, and they make mp4's edit
 * list and the video track's reported duration depend on frame reordering.
 */
export function buildRenderArgs(o: RenderArgsOptions): RenderPlan {
  if (o.backgrounds.length === 0 || o.backgrounds[0]!.startSeconds !== 0) {
    throw new Error('backgrounds must start at 0');
  }
  // Motion, video backgrounds and cross-fades change the picture from frame to frame, so then every frame is drawn.
  const fading = o.transition !== undefined && o.backgrounds.length > 1;
  const moving = fading || o.backgrounds.some((b) => 'video' in b.background || ('image' in b.background && b.background.motion === 'kenburns'));
  const duration = o.durationSeconds.toFixed(3);
  const size = `${o.width}x${o.height}`;
  const fill = `scale=${o.width}:${o.height}:force_original_aspect_ratio=increase,crop=${o.width}:${o.height},setsar=1,format=yuv420p`;
  const frames = moving
    ? undefined
    : planStillFrames({
        durationSeconds: o.durationSeconds,
        fps: o.fps,
        cues: o.captions?.cues ?? [],
        runStarts: o.backgrounds.map((b) => b.startSeconds),
      });
  // The `fps` filter of CFR mode emits a picture until the next one starts, so one more copy of the
  // last picture, one frame past the end, makes it fill the final grid frame too (trim drops the copy).
  if (frames && o.cfr) frames.push({ ...frames.at(-1)!, frame: Math.max(1, Math.round(o.durationSeconds * o.fps)) });

  const framesOf = (r: number) =>
    frames
      ? frames.filter((f) => f.run === r).length
      : Math.round((o.backgrounds[r + 1]?.startSeconds ?? o.durationSeconds) * o.fps) - Math.round(o.backgrounds[r]!.startSeconds * o.fps);
  const drawn = o.backgrounds.map((run, r) => ({ run, r, frames: framesOf(r) })).filter((d) => d.frames > 0);
  // A cross-fade needs frames of both sides: every run but the last is drawn `overlap` frames longer, and xfade
  // lays that tail over the next run's first frames, so the video keeps its length and each cut its time.
  const overlap = fading && drawn.length > 1 ? Math.max(1, Math.min(Math.round(o.transition!.seconds * o.fps), ...drawn.map((d) => d.frames))) : 0;

  const inputs: FfmpegInput[] = [];
  const graph: string[] = [];
  drawn.forEach(({ run, r, frames: shown }, i) => {
    const bg = run.background;
    const runFrames = shown + (i < drawn.length - 1 ? overlap : 0);
    const label = `[${inputs.length}:v]`;
    // `loop` repeats the single decoded picture; the frames get their real timestamps further down.
    const hold = `loop=loop=${runFrames - 1}:size=1`;
    // xfade needs both inputs on one time base and frame rate: each run is stamped frame by frame on the fps grid.
    const grid = overlap ? `,settb=1/${o.fps},setpts=N,fps=${o.fps}` : '';
    if ('color' in bg) {
      inputs.push({ source: `color=c=${hexToFfmpegColor(bg.color)}:s=${size}:r=1:d=1`, options: ['-f', 'lavfi'] });
      graph.push(`${label}setsar=1,format=yuv420p,${hold}${grid}[bg${r}]`);
    } else if ('image' in bg) {
      // image2 would read `%d` in a file name as a frame-number pattern.
      inputs.push({ source: bg.image, options: ['-f', 'image2', '-pattern_type', 'none'] });
      const draw = bg.motion === 'kenburns' ? kenBurnsFilter({ width: o.width, height: o.height, fps: o.fps, frames: runFrames, move: i }) : `${fill},${hold}`;
      graph.push(`${label}${draw}${grid}[bg${r}]`);
    } else {
      // Looped when shorter than its run, cut when longer; a little extra read keeps `trim` the one that cuts.
      const seconds = (runFrames / o.fps + 1).toFixed(3);
      inputs.push({ source: bg.video, options: ['-stream_loop', '-1', '-t', seconds] });
      graph.push(`${label}fps=${o.fps},${fill},trim=end_frame=${runFrames},setpts=PTS-STARTPTS${grid}[bg${r}]`);
    }
  });
  const runLabels = drawn.map(({ r }) => `[bg${r}]`);
  const join = (filters: string) => {
    if (runLabels.length === 1) return `${runLabels[0]}${filters}`;
    if (!overlap) return `${runLabels.join('')}concat=n=${runLabels.length}:v=1:a=0,${filters}`;
    // Fade k starts where run k+1 starts: after the first k runs' own frames (the output so far is their frames
    // plus one overlap that the fade consumes).
    let head = runLabels[0]!;
    let shownSoFar = 0;
    const fadeInto = (k: number) => {
      shownSoFar += drawn[k - 1]!.frames;
      return `${head}${runLabels[k]}xfade=transition=fade:duration=${filterSeconds(overlap / o.fps)}:offset=${filterSeconds(shownSoFar / o.fps)}`;
    };
    for (let k = 1; k < runLabels.length - 1; k++) {
      graph.push(`${fadeInto(k)}[xf${k}]`);
      head = `[xf${k}]`;
    }
    return `${fadeInto(runLabels.length - 1)},${filters}`;
  };

  const subtitles = o.captions ? `subtitles=filename=${escapeFilterValue(o.captions.subtitlesPath)}` : undefined;
  if (frames) {
    // libass picks the captions by the frame's timestamp, so each picture is first stamped with a time
    // inside its segment (ms), drawn, then moved to its frame on the fps grid. A flat sum of eq() terms
    // rather than nested if()s: ffmpeg's expression parser refuses nesting deeper than 100.
    const steps = subtitles ? [`settb=1/1000`, `setpts='${pieceWise(frames, (f) => f.evalMs)}'`, subtitles] : [];
    steps.push(`settb=1/${o.fps}`, `setpts='${pieceWise(frames, (f) => f.frame)}'`);
    // CFR: the repeats are made here rather than by the encoder's `-fps_mode cfr`, which takes the held
    // pictures' one-second frame duration (from the 1 fps colour/image source) and would repeat the
    // last one past the end. `-frames:v` would instead close the audio early (ffmpeg ends every stream
    // of a file when one reaches its frame limit), so `trim` cuts at the last grid frame.
    if (o.cfr) steps.push(`fps=${o.fps}`, `trim=end_frame=${Math.max(1, Math.round(o.durationSeconds * o.fps))}`);
    graph.push(`${join(steps.join(','))}[v]`);
  } else {
    // Frame k is shown at k/fps; libass truncates its time to whole ms, so it is asked at 1 ms past the
    // truncated grid time, which is inside the frame and never before a caption that starts on it.
    const steps = subtitles ? [`settb=1/1000`, `setpts=trunc(N*1000/${o.fps})+1`, subtitles] : [];
    steps.push(`settb=1/${o.fps}`, 'setpts=N');
    graph.push(`${join(steps.join(','))}[v]`);
  }

  const still = frames !== undefined;
  const videoOutput = `${o.output}.video.mp4`;
  const audioOutput = `${o.output}.audio.m4a`;
  const encoder = o.encoder ?? 'libx264';
  const encoderArgs = h264EncoderArgs(encoder, { preset: o.preset });
  if (encoderArgs.filterSuffix) graph[graph.length - 1] = graph.at(-1)!.replace(/\[v\]$/, `,${encoderArgs.filterSuffix}[v]`);
  if (encoderArgs.inputOptions.length) inputs[0] = { ...inputs[0]!, options: [...encoderArgs.inputOptions, ...inputs[0]!.options] };
  const x264 = encoder === 'libx264';
  const video: FfmpegSpec = {
    inputs,
    filterComplex: graph.join(';'),
    outputOptions: [
      '-map', '[v]',
      ...encoderArgs.outputOptions,
      ...(still && x264 ? ['-tune', 'stillimage'] : []),
      ...(still ? ['-bf', '0'] : []),
      // In CFR mode nearly every frame repeats the one before, so x264's per-frame analysis (lookahead,
      // macroblock tree, weighted-prediction and scene-cut analysis, sub-pixel motion search over
      // several references) is pure overhead: turning it down makes the encode 2-3x faster for about
      // the same file size (measured with bench/render.ts's inputs).
      ...(still && o.cfr && x264 ? ['-x264-params', 'rc-lookahead=0:mbtree=0:me=dia:subme=1:ref=1:weightp=0:scenecut=0'] : []),
      // The hardware encoders carry their own quality and pixel format (h264EncoderArgs).
      ...(x264 ? ['-crf', '23', '-pix_fmt', 'yuv420p'] : []),
      '-r', String(o.fps),
      '-fps_mode', still && !o.cfr ? 'vfr' : 'cfr',
      '-t', duration,
    ],
    output: videoOutput,
  };
  return { video, audio: buildAudio(o, audioOutput), mux: buildMux(videoOutput, audioOutput, o.output) };
}

const MONO_AAC = ['-b:a', '96k', '-ac', '1'];
const STEREO_AAC = ['-b:a', '128k', '-ac', '2'];

/** Narration (and music) -> AAC, on its own so that it encodes alongside the pictures. */
function buildAudio(o: RenderArgsOptions, output: string): FfmpegSpec {
  const duration = o.durationSeconds.toFixed(3);
  const inputs: FfmpegInput[] = [{ source: o.narrationList, options: ['-f', 'concat', '-safe', '0'] }];
  const graph: string[] = [];
  if (o.music) {
    inputs.push({ source: o.music.path, options: ['-stream_loop', '-1'] });
    const fmt = 'aformat=sample_fmts=fltp:sample_rates=48000:channel_layouts=stereo';
    const fadeIn = Math.min(1, o.durationSeconds / 4);
    const fadeOut = Math.min(2, o.durationSeconds / 4);
    const bgm =
      `[1:a]${fmt},atrim=end=${duration},volume=${o.music.volume}` +
      `,afade=t=in:d=${fadeIn.toFixed(3)},afade=t=out:st=${(o.durationSeconds - fadeOut).toFixed(3)}:d=${fadeOut.toFixed(3)}`;
    if (o.music.duck) {
      // The narration keys a compressor on the music (ffmpeg-filters(1), sidechaincompress): speech
      // normalised to -16 LUFS sits far above the -46 dB threshold, so the music drops by about 12 dB
      // (averaged over an espeak-ng narration) within 5 ms of a word and returns 0.6 s after one.
      graph.push(`[0:a]${fmt},asplit=2[narr][key]`);
      graph.push(`${bgm}[bgm]`);
      graph.push('[bgm][key]sidechaincompress=threshold=0.005:ratio=20:attack=5:release=600[ducked]');
      graph.push('[narr][ducked]amix=inputs=2:duration=first:normalize=0[a]');
    } else {
      graph.push(`[0:a]${fmt}[narr]`);
      graph.push(`${bgm}[bgm]`);
      graph.push('[narr][bgm]amix=inputs=2:duration=first:normalize=0[a]');
    }
  }
  return {
    inputs,
    ...(graph.length ? { filterComplex: graph.join(';') } : {}),
    // The native encoder's default `twoloop` coder takes ~3 s per minute of speech on one core, the
    // longest step of a render; `fast` takes a third of that and is the better choice at 128 kb/s
    // (ffmpeg-codecs(1), aac_coder: "worse with low bitrates (less than 64kbps), but is better and
    // much faster at higher bitrates").
    // Narration alone is mono speech (every scene is normalised to 48 kHz mono): encoded as mono at 96 kb/s it
    // takes less than half the time of stereo at 128 kb/s (0.65 s against 1.48 s for 43 s of espeak-ng here), and
    // this encode is the render's longest step. Music makes the mix stereo.
    outputOptions: ['-map', graph.length ? '[a]' : '0:a', '-c:a', 'aac', '-aac_coder', 'fast', ...(o.music ? STEREO_AAC : MONO_AAC), '-ar', '48000', '-t', duration],
    output,
  };
}

/** The two encoded streams into the deliverable, copied as they are; `+faststart` puts the index first for streaming. */
function buildMux(video: string, audio: string, output: string): FfmpegSpec {
  return {
    inputs: [
      { source: video, options: [] },
      { source: audio, options: [] },
    ],
    outputOptions: ['-map', '0:v', '-map', '1:a', '-c', 'copy', '-movflags', '+faststart'],
    output,
  };
}

/**
 * Lists up to this long are written `eq(N,0)*a+eq(N,1)*b+...`. ffmpeg's expression parser refuses a sum of much
 * more than 100 terms ("Error while parsing expression": its nesting guard counts every term), and word-by-word
 * captions give a minute of narration several hundred still frames, so longer lists become a balanced
 * `if(lt(N,m),<first half>,<second half>)` tree, whose depth grows with log2 of the length.
 */
export const PIECEWISE_SUM_MAX_TERMS = 64;

/** The value for frame N of a known list of still frames, as an ffmpeg expression (see PIECEWISE_SUM_MAX_TERMS). */
export function pieceWise(frames: StillFrame[], value: (f: StillFrame) => number): string {
  const values = frames.map(value);
  if (values.length <= PIECEWISE_SUM_MAX_TERMS) return values.map((v, n) => `eq(N,${n})*${v}`).join('+');
  const tree = (lo: number, hi: number): string => {
    if (hi - lo === 1) return String(values[lo]);
    const mid = (lo + hi) >> 1;
    return `if(lt(N,${mid}),${tree(lo, mid)},${tree(mid, hi)})`;
  };
  return tree(0, values.length);
}

/** The Ken Burns moves, one per background run in turn: how much the image is zoomed, and where the view drifts. */
const KEN_BURNS_MOVES = [
  { zoom: 'in', x: 'centre', y: 'centre' },
  { zoom: 'out', x: 'rightward', y: 'centre' },
  { zoom: 'in', x: 'centre', y: 'downward' },
  { zoom: 'out', x: 'leftward', y: 'centre' },
] as const;
/** The image is zoomed from 1x to this (or back): slow enough to read as a drift, not a zoom-in shot. */
export const KEN_BURNS_ZOOM = 1.2;

/**
 * An image filling the frame, zoomed and panned slowly over `frames` frames (ffmpeg's zoompan on the one decoded
 * picture, which it emits `frames` times). zoompan crops at whole pixels of its input, so the image is first
 * scaled to twice the frame: half-pixel steps in the output, which keeps the slow drift from visibly stepping.
 * `move` picks the direction (KEN_BURNS_MOVES, in turn) so consecutive scenes do not all move alike.
 */
export function kenBurnsFilter(o: { width: number; height: number; fps: number; frames: number; move: number }): string {
  const move = KEN_BURNS_MOVES[o.move % KEN_BURNS_MOVES.length]!;
  const last = Math.max(1, o.frames - 1);
  const p = `on/${last}`;
  const extra = (KEN_BURNS_ZOOM - 1).toFixed(3);
  const zoom = move.zoom === 'in' ? `1+${extra}*${p}` : `${KEN_BURNS_ZOOM.toFixed(3)}-${extra}*${p}`;
  const along = (axis: 'iw' | 'ih', how: string) =>
    how === 'centre' ? `(${axis}-${axis}/zoom)/2` : how === 'rightward' || how === 'downward' ? `(${axis}-${axis}/zoom)*${p}` : `(${axis}-${axis}/zoom)*(1-${p})`;
  const w2 = o.width * 2;
  const h2 = o.height * 2;
  return (
    `scale=${w2}:${h2}:force_original_aspect_ratio=increase,crop=${w2}:${h2},setsar=1,` +
    `zoompan=z='${zoom}':x='${along('iw', move.x)}':y='${along('ih', move.y)}':d=${o.frames}:s=${o.width}x${o.height}:fps=${o.fps},format=yuv420p`
  );
}

/** Seconds for a duration option of a filter (microsecond precision, as ffmpeg parses it). */
function filterSeconds(value: number): string {
  return Number(value.toFixed(6)).toString();
}

/** `#abc` / `#aabbcc` -> `0xaabbcc` (ffmpeg's colour syntax; `#` is fine too, but 0x needs no thought). */
export function hexToFfmpegColor(hex: string): string {
  const m = /^#([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$/.exec(hex);
  if (!m) throw new Error(`not a hex colour: ${JSON.stringify(hex)}`);
  const digits = m[1]!.length === 3 ? [...m[1]!].map((c) => c + c).join('') : m[1]!;
  return `0x${digits.toLowerCase()}`;
}

/**
 * A concat-demuxer list file (ffmpeg-formats(1), "concat"): one `file '<path>'` line per input, with
 * single quotes inside a path written as '\'' .
 */
export function buildConcatList(paths: string[]): string {
  return paths.map((p) => `file '${p.replace(/'/g, "'\\''")}'`).join('\n') + '\n';
}
