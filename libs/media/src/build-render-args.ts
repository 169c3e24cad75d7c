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
 * A render as ffmpeg runs: the `video` pieces and the `audio` are independent and run at the same time (in one
 * process, ffmpeg's single main thread would run the filter graph and the AAC encoder one after the other), then
 * `mux` copies the streams into `output` without re-encoding. `video` is one encode, or for a moving picture several,
 * each a contiguous piece of the frames (see `pieces`), which the mux joins through `pieceList`.
 */
export interface RenderPlan {
  video: VideoPiece[];
  audio: FfmpegSpec;
  /** With several pieces: the concat-demuxer list the mux reads them through, to be written before the mux runs. */
  pieceList?: { path: string; content: string };
  mux: FfmpegSpec;
}

/** One encode of the picture and the seconds of video it writes (its share of the progress). */
export interface VideoPiece {
  spec: FfmpegSpec;
  seconds: number;
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
  /**
   * A moving picture (motion, video backgrounds, cross-fades) encoded with libx264 is split into up to this many
   * pieces of about equal length, drawn by as many ffmpeg processes at once; 1 (the default) for one process.
   */
  pieces?: number;
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
  const shownRuns = o.backgrounds.map((run, r) => ({ run, r, frames: framesOf(r) })).filter((d) => d.frames > 0);
  // A cross-fade needs frames of both sides: every run but the last is drawn `overlap` frames longer, and xfade
  // lays that tail over the next run's first frames, so the video keeps its length and each cut its time.
  const overlap = fading && shownRuns.length > 1 ? Math.max(1, Math.min(Math.round(o.transition!.seconds * o.fps), ...shownRuns.map((d) => d.frames))) : 0;
  let first = 0;
  const drawn: DrawnRun[] = shownRuns.map((d, i) => {
    const run = { ...d, i, first, drawnFrames: d.frames + (i < shownRuns.length - 1 ? overlap : 0) };
    first += d.frames;
    return run;
  });

  const encoder = o.encoder ?? 'libx264';
  const encoderArgs = h264EncoderArgs(encoder, { preset: o.preset });
  const still = frames !== undefined;
  const x264 = encoder === 'libx264';
  const outputOptions = (end: string[]) => [
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
    ...end,
  ];
  const videoSpec = (range: FrameRange, output: string): FfmpegSpec => {
    const { inputs, graph } = drawPiece({ o, drawn, overlap, frames, range });
    if (encoderArgs.filterSuffix) graph[graph.length - 1] = graph.at(-1)!.replace(/\[v\]$/, `,${encoderArgs.filterSuffix}[v]`);
    if (encoderArgs.inputOptions.length) inputs[0] = { ...inputs[0]!, options: [...encoderArgs.inputOptions, ...inputs[0]!.options] };
    // A piece ends at a frame count: `-t` at its length rounded to ms can make `-fps_mode cfr` repeat its last frame
    // to fill the rounding (a piece has no audio, which `-frames:v` would cut short).
    const whole = range.first === 0 && range.end === first;
    return { inputs, filterComplex: graph.join(';'), outputOptions: outputOptions(whole ? ['-t', duration] : ['-frames:v', String(range.end - range.first)]), output };
  };

  const audioOutput = `${o.output}.audio.m4a`;
  const audio = buildAudio(o, audioOutput);
  // Only for x264: the hardware encoders' session limits (NVENC) and headers were not tried with pieces.
  const ranges = moving && x264 ? splitFrames({ total: first, pieces: o.pieces ?? 1, minFrames: o.fps, cuts: overlap ? drawn.slice(1).map((d) => d.first) : [], overlap }) : [];
  if (ranges.length < 2) {
    const videoOutput = `${o.output}.video.mp4`;
    return {
      video: [{ spec: videoSpec({ first: 0, end: first }, videoOutput), seconds: o.durationSeconds }],
      audio,
      mux: buildMux({ source: videoOutput, options: [] }, audioOutput, o.output),
    };
  }
  const video = ranges.map((range, k) => ({ spec: videoSpec(range, `${o.output}.video-${k}.mp4`), seconds: (range.end - range.first) / o.fps }));
  // Each piece is its own x264 encode with the same settings, so each starts with a keyframe and carries the same
  // stream headers; the concat demuxer lays them end to end, each after the `duration` of those before it.
  const list = `${o.output}.video.txt`;
  const content = video.map((p) => `${buildConcatList([p.spec.output])}duration ${filterSeconds(p.seconds)}\n`).join('');
  return { video, audio, pieceList: { path: list, content }, mux: buildMux({ source: list, options: ['-f', 'concat', '-safe', '0'] }, audioOutput, o.output) };
}

/** A background run as it is drawn: `frames` of its own from output frame `first`, `drawnFrames` with the fade's tail. */
interface DrawnRun {
  run: BackgroundRun;
  /** The run's index in the request's backgrounds (labels). */
  r: number;
  /** The run's index among the drawn runs (the Ken Burns move). */
  i: number;
  frames: number;
  first: number;
  drawnFrames: number;
}

/** Output frames `first` up to (not including) `end`. */
interface FrameRange {
  first: number;
  end: number;
}

/**
 * Where to split `total` frames into up to `pieces` ranges of about equal length, at least `minFrames` each. No
 * range starts inside a cross-fade (the `overlap` frames from each cut in `cuts`), so every fade is drawn by one
 * process with both of its sides: a boundary that would fall there moves to the nearer end of the fade.
 */
export function splitFrames(o: { total: number; pieces: number; minFrames: number; cuts: number[]; overlap: number }): FrameRange[] {
  const bounds = [0];
  for (let k = 1; k < o.pieces; k++) {
    let at = Math.round((k * o.total) / o.pieces);
    const fade = o.cuts.find((c) => at >= c && at < c + o.overlap);
    if (fade !== undefined) at = at - (fade - 1) <= fade + o.overlap - at ? fade - 1 : fade + o.overlap;
    if (at - bounds.at(-1)! >= o.minFrames && o.total - at >= o.minFrames) bounds.push(at);
  }
  bounds.push(o.total);
  return bounds.slice(1).map((end, k) => ({ first: bounds[k]!, end }));
}

/**
 * The inputs and filter graph that draw output frames `range` of the picture: the runs that show in it, each from
 * its own frame the range starts at, fades between them placed from the range's start, and the captions asked at
 * the frames' times in the whole video (so every piece reads the same ASS file).
 */
function drawPiece(p: { o: RenderArgsOptions; drawn: DrawnRun[]; overlap: number; frames: StillFrame[] | undefined; range: FrameRange }): {
  inputs: FfmpegInput[];
  graph: string[];
} {
  const { o, overlap, frames, range } = p;
  const size = `${o.width}x${o.height}`;
  const fill = `scale=${o.width}:${o.height}:force_original_aspect_ratio=increase,crop=${o.width}:${o.height},setsar=1,format=yuv420p`;
  const shown = p.drawn.filter((d) => d.first < range.end && d.first + d.drawnFrames > range.first);
  const inputs: FfmpegInput[] = [];
  const graph: string[] = [];
  shown.forEach(({ run, r, i, first, drawnFrames }) => {
    const bg = run.background;
    // The run's own frames this piece draws: [from, to) of the run's drawnFrames.
    const from = Math.max(0, range.first - first);
    const to = Math.min(drawnFrames, range.end - first);
    const runFrames = to - from;
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
      const draw =
        bg.motion === 'kenburns'
          ? kenBurnsFilter({ width: o.width, height: o.height, fps: o.fps, frames: drawnFrames, move: i, ...(from || to < drawnFrames ? { from, count: runFrames } : {}) })
          : `${fill},${hold}`;
      graph.push(`${label}${draw}${grid}[bg${r}]`);
    } else {
      // Looped when shorter than its run, cut when longer; a little extra read keeps `trim` the one that cuts.
      const seconds = (to / o.fps + 1).toFixed(3);
      inputs.push({ source: bg.video, options: ['-stream_loop', '-1', '-t', seconds] });
      graph.push(`${label}fps=${o.fps},${fill},trim=${from ? `start_frame=${from}:` : ''}end_frame=${to},setpts=PTS-STARTPTS${grid}[bg${r}]`);
    }
  });
  const runLabels = shown.map(({ r }) => `[bg${r}]`);
  const join = (filters: string) => {
    if (runLabels.length === 1) return `${runLabels[0]}${filters}`;
    if (!overlap) return `${runLabels.join('')}concat=n=${runLabels.length}:v=1:a=0,${filters}`;
    // Fade k starts where run k starts, counted from the range's first frame (the output so far is the frames
    // before it plus one overlap that the fade consumes).
    let head = runLabels[0]!;
    const fadeInto = (k: number) =>
      `${head}${runLabels[k]}xfade=transition=fade:duration=${filterSeconds(overlap / o.fps)}:offset=${filterSeconds((shown[k]!.first - range.first) / o.fps)}`;
    // ffmpeg 5.1's xfade leaves out one timestamp after the fade (the frames after it come one grid step late), and
    // a following xfade, which fades at a time, then loses a frame of its first input: renumbering the frames keeps
    // an 8-scene video at all of its frames (1,812 of 1,818 without).
    for (let k = 1; k < runLabels.length - 1; k++) {
      graph.push(`${fadeInto(k)},setpts=N[xf${k}]`);
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
    const n = range.first ? `(N+${range.first})` : 'N';
    const steps = subtitles ? [`settb=1/1000`, `setpts=trunc(${n}*1000/${o.fps})+1`, subtitles] : [];
    steps.push(`settb=1/${o.fps}`, 'setpts=N');
    graph.push(`${join(steps.join(','))}[v]`);
  }
  return { inputs, graph };
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
function buildMux(video: FfmpegInput, audio: string, output: string): FfmpegSpec {
  return {
    inputs: [video, { source: audio, options: [] }],
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
 * `move` picks the direction (KEN_BURNS_MOVES, in turn) so consecutive scenes do not all move alike. `from` and
 * `count` draw only frames `from`..`from + count - 1` of the move (a piece of a render split across processes):
 * every frame is a function of its index alone, so they are the frames the whole move would have there.
 */
export function kenBurnsFilter(o: { width: number; height: number; fps: number; frames: number; move: number; from?: number; count?: number }): string {
  const move = KEN_BURNS_MOVES[o.move % KEN_BURNS_MOVES.length]!;
  const last = Math.max(1, o.frames - 1);
  const p = o.from ? `(on+${o.from})/${last}` : `on/${last}`;
  const extra = (KEN_BURNS_ZOOM - 1).toFixed(3);
  const zoom = move.zoom === 'in' ? `1+${extra}*${p}` : `${KEN_BURNS_ZOOM.toFixed(3)}-${extra}*${p}`;
  const along = (axis: 'iw' | 'ih', how: string) =>
    how === 'centre' ? `(${axis}-${axis}/zoom)/2` : how === 'rightward' || how === 'downward' ? `(${axis}-${axis}/zoom)*${p}` : `(${axis}-${axis}/zoom)*(1-${p})`;
  const w2 = o.width * 2;
  const h2 = o.height * 2;
  return (
    `scale=${w2}:${h2}:force_original_aspect_ratio=increase,crop=${w2}:${h2},setsar=1,` +
    `zoompan=z='${zoom}':x='${along('iw', move.x)}':y='${along('ih', move.y)}':d=${o.count ?? o.frames}:s=${o.width}x${o.height}:fps=${o.fps},format=yuv420p`
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
