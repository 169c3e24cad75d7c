import { buildConcatList, buildRenderArgs, hexToFfmpegColor, kenBurnsFilter, splitFrames, type RenderArgsOptions } from './build-render-args';
import { buildDecodeCheckArgs } from './build-decode-check-args';
import { buildSpeechNormalizeArgs } from './build-speech-normalize-args';
import { toArgv } from './ffmpeg-spec';

const base: RenderArgsOptions = {
  width: 320,
  height: 568,
  fps: 30,
  durationSeconds: 4.5,
  backgrounds: [{ background: { color: '#0B1D3A' }, startSeconds: 0 }],
  narrationList: '/d/narration.txt',
  preset: 'veryfast',
  output: '/d/video.mp4',
};
const cues = [
  { start: 0, end: 2, text: 'a' },
  { start: 2, end: 4.5, text: 'b' },
];
const stillVideo = [
  '-map', '[v]',
  '-c:v', 'libx264', '-preset', 'veryfast', '-tune', 'stillimage', '-bf', '0', '-crf', '23', '-pix_fmt', 'yuv420p',
  '-r', '30', '-fps_mode', 'vfr',
];
const aacTail = (duration: string, channels: 'mono' | 'stereo' = 'mono') =>
  ['-c:a', 'aac', '-aac_coder', 'fast', ...(channels === 'mono' ? ['-b:a', '96k', '-ac', '1'] : ['-b:a', '128k', '-ac', '2']), '-ar', '48000', '-t', duration];

describe('buildRenderArgs', () => {
  it('draws each distinct captioned picture once and stamps it on the fps grid (colour background, VFR)', () => {
    const plan = buildRenderArgs({ ...base, captions: { subtitlesPath: '/d/captions.ass', cues } });
    expect(toArgv(plan.video[0]!.spec)).toEqual([
      '-hide_banner', '-y',
      '-f', 'lavfi', '-i', 'color=c=0x0b1d3a:s=320x568:r=1:d=1',
      '-filter_complex',
      '[0:v]setsar=1,format=yuv420p,loop=loop=2:size=1[bg0];' +
        "[bg0]settb=1/1000,setpts='eq(N,0)*1000+eq(N,1)*3250+eq(N,2)*3250',subtitles=filename=/d/captions.ass," +
        "settb=1/30,setpts='eq(N,0)*0+eq(N,1)*60+eq(N,2)*134'[v]",
      ...stillVideo,
      '-t', '4.500',
      '/d/video.mp4.video.mp4',
    ]);
  });

  it('encodes the narration on its own and muxes both streams by copying them', () => {
    const plan = buildRenderArgs(base);
    expect(toArgv(plan.audio)).toEqual([
      '-hide_banner', '-y',
      '-f', 'concat', '-safe', '0', '-i', '/d/narration.txt',
      '-map', '0:a', ...aacTail('4.500'),
      '/d/video.mp4.audio.m4a',
    ]);
    expect(toArgv(plan.mux)).toEqual([
      '-hide_banner', '-y',
      '-i', '/d/video.mp4.video.mp4',
      '-i', '/d/video.mp4.audio.m4a',
      '-map', '0:v', '-map', '1:a', '-c', 'copy', '-movflags', '+faststart',
      '/d/video.mp4',
    ]);
  });

  it('without captions, holds the background from frame 0 to the last grid frame: two frames', () => {
    const plan = buildRenderArgs(base);
    expect(plan.video[0]!.spec.filterComplex).toBe("[0:v]setsar=1,format=yuv420p,loop=loop=1:size=1[bg0];[bg0]settb=1/30,setpts='eq(N,0)*0+eq(N,1)*134'[v]");
    expect(plan.video[0]!.spec.outputOptions).toEqual([...stillVideo, '-t', '4.500']);
  });

  it('scales and crops an image to fill the frame, concatenates background runs, and repeats pictures onto every grid frame in CFR mode', () => {
    const plan = buildRenderArgs({
      ...base,
      cfr: true,
      backgrounds: [
        { background: { image: '/m/bg%d.png' }, startSeconds: 0 },
        { background: { color: '#fff' }, startSeconds: 3 },
      ],
    });
    expect(plan.video[0]!.spec).toEqual({
      inputs: [
        { source: '/m/bg%d.png', options: ['-f', 'image2', '-pattern_type', 'none'] },
        { source: 'color=c=0xffffff:s=320x568:r=1:d=1', options: ['-f', 'lavfi'] },
      ],
      filterComplex:
        '[0:v]scale=320:568:force_original_aspect_ratio=increase,crop=320:568,setsar=1,format=yuv420p,loop=loop=0:size=1[bg0];' +
        '[1:v]setsar=1,format=yuv420p,loop=loop=2:size=1[bg1];' +
        "[bg0][bg1]concat=n=2:v=1:a=0,settb=1/30,setpts='eq(N,0)*0+eq(N,1)*90+eq(N,2)*134+eq(N,3)*135',fps=30,trim=end_frame=135[v]",
      outputOptions: [
        '-map', '[v]',
        '-c:v', 'libx264', '-preset', 'veryfast', '-tune', 'stillimage', '-bf', '0',
        '-x264-params', 'rc-lookahead=0:mbtree=0:me=dia:subme=1:ref=1:weightp=0:scenecut=0',
        '-crf', '23', '-pix_fmt', 'yuv420p', '-r', '30', '-fps_mode', 'cfr', '-t', '4.500',
      ],
      output: '/d/video.mp4.video.mp4',
    });
  });

  it('draws every frame of a video background: looped, trimmed to its run, captions asked 1 ms past each grid time', () => {
    const plan = buildRenderArgs({
      ...base,
      backgrounds: [{ background: { video: '/m/clip.mp4' }, startSeconds: 0 }],
      captions: { subtitlesPath: '/d/captions.ass', cues },
    });
    expect(plan.video[0]!.spec).toEqual({
      inputs: [{ source: '/m/clip.mp4', options: ['-stream_loop', '-1', '-t', '5.500'] }],
      filterComplex:
        '[0:v]fps=30,scale=320:568:force_original_aspect_ratio=increase,crop=320:568,setsar=1,format=yuv420p,trim=end_frame=135,setpts=PTS-STARTPTS[bg0];' +
        '[bg0]settb=1/1000,setpts=trunc(N*1000/30)+1,subtitles=filename=/d/captions.ass,settb=1/30,setpts=N[v]',
      outputOptions: [
        '-map', '[v]',
        '-c:v', 'libx264', '-preset', 'veryfast', '-crf', '23', '-pix_fmt', 'yuv420p', '-r', '30', '-fps_mode', 'cfr',
        '-t', '4.500',
      ],
      output: '/d/video.mp4.video.mp4',
    });
  });

  it('gives each run of a mixed still/video render its own frame count', () => {
    const plan = buildRenderArgs({
      ...base,
      backgrounds: [
        { background: { color: '#000000' }, startSeconds: 0 },
        { background: { video: '/m/clip.mp4' }, startSeconds: 1.5 },
      ],
    });
    expect(plan.video[0]!.spec.inputs[1]).toEqual({ source: '/m/clip.mp4', options: ['-stream_loop', '-1', '-t', '4.000'] });
    expect(plan.video[0]!.spec.filterComplex).toBe(
      '[0:v]setsar=1,format=yuv420p,loop=loop=44:size=1[bg0];' +
        '[1:v]fps=30,scale=320:568:force_original_aspect_ratio=increase,crop=320:568,setsar=1,format=yuv420p,trim=end_frame=90,setpts=PTS-STARTPTS[bg1];' +
        '[bg0][bg1]concat=n=2:v=1:a=0,settb=1/30,setpts=N[v]',
    );
  });

  it('moves a kenburns image with zoompan over every frame of its run, from the image scaled to twice the frame', () => {
    const plan = buildRenderArgs({ ...base, backgrounds: [{ background: { image: '/m/a.png', motion: 'kenburns' }, startSeconds: 0 }] });
    expect(plan.video[0]!.spec.inputs).toEqual([{ source: '/m/a.png', options: ['-f', 'image2', '-pattern_type', 'none'] }]);
    expect(plan.video[0]!.spec.filterComplex).toBe(
      "[0:v]scale=640:1136:force_original_aspect_ratio=increase,crop=640:1136,setsar=1," +
        "zoompan=z='1+0.200*on/134':x='(iw-iw/zoom)/2':y='(ih-ih/zoom)/2':d=135:s=320x568:fps=30,format=yuv420p[bg0];" +
        '[bg0]settb=1/30,setpts=N[v]',
    );
    // Every frame differs, so it is a constant-frame-rate encode without the still-image tuning.
    expect(plan.video[0]!.spec.outputOptions).toEqual([
      '-map', '[v]', '-c:v', 'libx264', '-preset', 'veryfast', '-crf', '23', '-pix_fmt', 'yuv420p', '-r', '30', '-fps_mode', 'cfr', '-t', '4.500',
    ]);
  });

  it('varies the Ken Burns move from run to run', () => {
    const filters = [0, 1, 2, 3, 4].map((move) => kenBurnsFilter({ width: 100, height: 200, fps: 25, frames: 51, move }).replace(/^.*zoompan=/, ''));
    expect(filters).toEqual([
      "z='1+0.200*on/50':x='(iw-iw/zoom)/2':y='(ih-ih/zoom)/2':d=51:s=100x200:fps=25,format=yuv420p",
      "z='1.200-0.200*on/50':x='(iw-iw/zoom)*on/50':y='(ih-ih/zoom)/2':d=51:s=100x200:fps=25,format=yuv420p",
      "z='1+0.200*on/50':x='(iw-iw/zoom)/2':y='(ih-ih/zoom)*on/50':d=51:s=100x200:fps=25,format=yuv420p",
      "z='1.200-0.200*on/50':x='(iw-iw/zoom)*(1-on/50)':y='(ih-ih/zoom)/2':d=51:s=100x200:fps=25,format=yuv420p",
      "z='1+0.200*on/50':x='(iw-iw/zoom)/2':y='(ih-ih/zoom)/2':d=51:s=100x200:fps=25,format=yuv420p",
    ]);
    // A one-frame run divides by 1, never by 0.
    expect(kenBurnsFilter({ width: 100, height: 200, fps: 25, frames: 1, move: 0 })).toContain("z='1+0.200*on/1'");
  });

  it('cross-fades runs: each run but the last drawn one fade longer, each fade starting at the next run, on one time base', () => {
    const plan = buildRenderArgs({
      ...base,
      transition: { seconds: 0.4 },
      backgrounds: [
        { background: { image: '/m/a.png', motion: 'kenburns' }, startSeconds: 0 },
        { background: { color: '#000' }, startSeconds: 2 },
        { background: { video: '/m/v.mp4' }, startSeconds: 3 },
      ],
      captions: { subtitlesPath: '/d/captions.ass', cues },
    });
    expect(plan.video[0]!.spec.inputs.map((i) => i.source)).toEqual(['/m/a.png', 'color=c=0x000000:s=320x568:r=1:d=1', '/m/v.mp4']);
    expect(plan.video[0]!.spec.inputs[2]!.options).toEqual(['-stream_loop', '-1', '-t', '2.500']);
    expect(plan.video[0]!.spec.filterComplex!.split(';')).toEqual([
      "[0:v]scale=640:1136:force_original_aspect_ratio=increase,crop=640:1136,setsar=1," +
        "zoompan=z='1+0.200*on/71':x='(iw-iw/zoom)/2':y='(ih-ih/zoom)/2':d=72:s=320x568:fps=30,format=yuv420p,settb=1/30,setpts=N,fps=30[bg0]",
      '[1:v]setsar=1,format=yuv420p,loop=loop=41:size=1,settb=1/30,setpts=N,fps=30[bg1]',
      '[2:v]fps=30,scale=320:568:force_original_aspect_ratio=increase,crop=320:568,setsar=1,format=yuv420p,trim=end_frame=45,setpts=PTS-STARTPTS,settb=1/30,setpts=N,fps=30[bg2]',
      '[bg0][bg1]xfade=transition=fade:duration=0.4:offset=2,setpts=N[xf1]',
      '[xf1][bg2]xfade=transition=fade:duration=0.4:offset=3,settb=1/1000,setpts=trunc(N*1000/30)+1,subtitles=filename=/d/captions.ass,settb=1/30,setpts=N[v]',
    ]);
  });

  it('splits a moving picture into pieces drawn at once, each fade inside one, captions at whole-video times, joined by the concat demuxer', () => {
    const plan = buildRenderArgs({
      ...base,
      pieces: 2,
      transition: { seconds: 0.4 },
      backgrounds: [
        { background: { image: '/m/a.png', motion: 'kenburns' }, startSeconds: 0 },
        { background: { image: '/m/b.png', motion: 'kenburns' }, startSeconds: 2 },
      ],
      captions: { subtitlesPath: '/d/captions.ass', cues },
    });
    const scale = (from: string) => `[0:v]scale=640:1136:force_original_aspect_ratio=increase,crop=640:1136,setsar=1,zoompan=${from}`;
    const grid = 'format=yuv420p,settb=1/30,setpts=N,fps=30';
    const encode = (frames: number) => ['-map', '[v]', '-c:v', 'libx264', '-preset', 'veryfast', '-crf', '23', '-pix_fmt', 'yuv420p', '-r', '30', '-fps_mode', 'cfr', '-frames:v', String(frames)];
    // 135 frames: halves would meet at frame 68, inside the fade (frames 60-71), so the first piece takes all of it.
    expect(plan.video).toEqual([
      {
        spec: {
          inputs: [
            { source: '/m/a.png', options: ['-f', 'image2', '-pattern_type', 'none'] },
            { source: '/m/b.png', options: ['-f', 'image2', '-pattern_type', 'none'] },
          ],
          filterComplex: [
            `${scale("z='1+0.200*on/71':x='(iw-iw/zoom)/2':y='(ih-ih/zoom)/2':d=72:s=320x568:fps=30,")}${grid}[bg0]`,
            `${scale("z='1.200-0.200*on/74':x='(iw-iw/zoom)*on/74':y='(ih-ih/zoom)/2':d=12:s=320x568:fps=30,").replace('[0:v]', '[1:v]')}${grid}[bg1]`,
            '[bg0][bg1]xfade=transition=fade:duration=0.4:offset=2,settb=1/1000,setpts=trunc(N*1000/30)+1,subtitles=filename=/d/captions.ass,settb=1/30,setpts=N[v]',
          ].join(';'),
          outputOptions: encode(72),
          output: '/d/video.mp4.video-0.mp4',
        },
        seconds: 2.4,
      },
      {
        spec: {
          inputs: [{ source: '/m/b.png', options: ['-f', 'image2', '-pattern_type', 'none'] }],
          filterComplex:
            `${scale("z='1.200-0.200*(on+12)/74':x='(iw-iw/zoom)*(on+12)/74':y='(ih-ih/zoom)/2':d=63:s=320x568:fps=30,")}${grid}[bg1];` +
            '[bg1]settb=1/1000,setpts=trunc((N+72)*1000/30)+1,subtitles=filename=/d/captions.ass,settb=1/30,setpts=N[v]',
          outputOptions: encode(63),
          output: '/d/video.mp4.video-1.mp4',
        },
        seconds: 2.1,
      },
    ]);
    expect(plan.pieceList).toEqual({
      path: '/d/video.mp4.video.txt',
      content: "file '/d/video.mp4.video-0.mp4'\nduration 2.4\nfile '/d/video.mp4.video-1.mp4'\nduration 2.1\n",
    });
    expect(toArgv(plan.mux)).toEqual([
      '-hide_banner', '-y',
      '-f', 'concat', '-safe', '0', '-i', '/d/video.mp4.video.txt',
      '-i', '/d/video.mp4.audio.m4a',
      '-map', '0:v', '-map', '1:a', '-c', 'copy', '-movflags', '+faststart',
      '/d/video.mp4',
    ]);
  });

  it('starts a video background that runs across a piece boundary at its frame there', () => {
    const plan = buildRenderArgs({ ...base, pieces: 2, backgrounds: [{ background: { video: '/m/clip.mp4' }, startSeconds: 0 }] });
    expect(plan.video.map((p) => p.spec.filterComplex)).toEqual([
      '[0:v]fps=30,scale=320:568:force_original_aspect_ratio=increase,crop=320:568,setsar=1,format=yuv420p,trim=end_frame=68,setpts=PTS-STARTPTS[bg0];[bg0]settb=1/30,setpts=N[v]',
      '[0:v]fps=30,scale=320:568:force_original_aspect_ratio=increase,crop=320:568,setsar=1,format=yuv420p,trim=start_frame=68:end_frame=135,setpts=PTS-STARTPTS[bg0];[bg0]settb=1/30,setpts=N[v]',
    ]);
    expect(plan.video.map((p) => p.spec.inputs[0]!.options)).toEqual([
      ['-stream_loop', '-1', '-t', '3.267'],
      ['-stream_loop', '-1', '-t', '5.500'],
    ]);
  });

  it('keeps one process for still pictures, hardware encoders and videos too short to split', () => {
    const kenBurns = { ...base, pieces: 2, backgrounds: [{ background: { image: '/m/a.png', motion: 'kenburns' as const }, startSeconds: 0 }] };
    expect(buildRenderArgs({ ...base, pieces: 2 }).video).toHaveLength(1);
    expect(buildRenderArgs({ ...kenBurns, encoder: 'h264_nvenc' }).video).toHaveLength(1);
    expect(buildRenderArgs({ ...kenBurns, durationSeconds: 1.5 }).video).toHaveLength(1);
    const single = buildRenderArgs({ ...kenBurns, pieces: 1 });
    expect(single.pieceList).toBeUndefined();
    expect(single.video).toEqual([{ spec: expect.objectContaining({ output: '/d/video.mp4.video.mp4' }), seconds: 4.5 }]);
  });

  it('keeps the fade no longer than the shortest run, and a single run or no transition as before', () => {
    const short = buildRenderArgs({
      ...base,
      transition: { seconds: 2 },
      backgrounds: [
        { background: { color: '#000' }, startSeconds: 0 },
        { background: { color: '#fff' }, startSeconds: 4.4 },
      ],
    });
    expect(short.video[0]!.spec.filterComplex).toContain('[bg0][bg1]xfade=transition=fade:duration=0.1:offset=4.4,');
    expect(short.video[0]!.spec.filterComplex).toContain('loop=loop=134:size=1'); // 132 own frames + 3 of the fade
    const single = buildRenderArgs({ ...base, transition: { seconds: 0.4 } });
    expect(single).toEqual(buildRenderArgs(base));
  });

  it('mixes looped music under the narration with fades, ducked by a sidechain compressor keyed on the narration', () => {
    const plan = buildRenderArgs({ ...base, durationSeconds: 10, music: { path: '/m/song.mp3', volume: 0.15, duck: true } });
    const fmt = 'aformat=sample_fmts=fltp:sample_rates=48000:channel_layouts=stereo';
    expect(plan.audio).toEqual({
      inputs: [
        { source: '/d/narration.txt', options: ['-f', 'concat', '-safe', '0'] },
        { source: '/m/song.mp3', options: ['-stream_loop', '-1'] },
      ],
      filterComplex: [
        `[0:a]${fmt},asplit=2[narr][key]`,
        `[1:a]${fmt},atrim=end=10.000,volume=0.15,afade=t=in:d=1.000,afade=t=out:st=8.000:d=2.000[bgm]`,
        '[bgm][key]sidechaincompress=threshold=0.005:ratio=20:attack=5:release=600[ducked]',
        '[narr][ducked]amix=inputs=2:duration=first:normalize=0[a]',
      ].join(';'),
      outputOptions: ['-map', '[a]', ...aacTail('10.000', 'stereo')],
      output: '/d/video.mp4.audio.m4a',
    });
  });

  it('mixes music without ducking, with fades a quarter of a short video', () => {
    const plan = buildRenderArgs({ ...base, durationSeconds: 2, music: { path: '/m/song.mp3', volume: 0.5, duck: false } });
    const fmt = 'aformat=sample_fmts=fltp:sample_rates=48000:channel_layouts=stereo';
    expect(plan.audio.filterComplex!.split(';')).toEqual([
      `[0:a]${fmt}[narr]`,
      `[1:a]${fmt},atrim=end=2.000,volume=0.5,afade=t=in:d=0.500,afade=t=out:st=1.500:d=0.500[bgm]`,
      '[narr][bgm]amix=inputs=2:duration=first:normalize=0[a]',
    ]);
  });

  it('writes the duration with exactly three decimals', () => {
    const plan = buildRenderArgs({ ...base, durationSeconds: 10 / 3 });
    for (const spec of [plan.video[0]!.spec, plan.audio]) expect(spec.outputOptions.at(-1)).toBe('3.333');
  });

  it('escapes a subtitles path with filtergraph metacharacters inside the filter string', () => {
    const plan = buildRenderArgs({ ...base, captions: { subtitlesPath: "/data/a:b,c'd/captions.ass", cues } });
    expect(plan.video[0]!.spec.filterComplex).toContain(String.raw`,subtitles=filename=/data/a\\:b\,c\\\'d/captions.ass,settb=1/30,`);
  });

  it('refuses a background that is not a hex colour (it would be spliced into the filter graph)', () => {
    expect(() => buildRenderArgs({ ...base, backgrounds: [{ background: { color: 'red:s=1x1' }, startSeconds: 0 }] })).toThrow(/not a hex colour/);
  });

  it('refuses backgrounds that do not start at 0', () => {
    expect(() => buildRenderArgs({ ...base, backgrounds: [] })).toThrow(/start at 0/);
    expect(() => buildRenderArgs({ ...base, backgrounds: [{ background: { color: '#000' }, startSeconds: 1 }] })).toThrow(/start at 0/);
  });
});

describe('splitFrames', () => {
  it('cuts into ranges of about equal length', () => {
    expect(splitFrames({ total: 100, pieces: 3, minFrames: 10, cuts: [], overlap: 0 })).toEqual([
      { first: 0, end: 33 },
      { first: 33, end: 67 },
      { first: 67, end: 100 },
    ]);
  });

  it('moves a boundary out of a fade to its nearer end: just before it starts or where it is over', () => {
    expect(splitFrames({ total: 100, pieces: 2, minFrames: 10, cuts: [48], overlap: 12 })).toEqual([{ first: 0, end: 47 }, { first: 47, end: 100 }]);
    expect(splitFrames({ total: 100, pieces: 2, minFrames: 10, cuts: [40], overlap: 12 })).toEqual([{ first: 0, end: 52 }, { first: 52, end: 100 }]);
  });

  it('leaves out a boundary that would make a piece shorter than minFrames', () => {
    expect(splitFrames({ total: 50, pieces: 2, minFrames: 30, cuts: [], overlap: 0 })).toEqual([{ first: 0, end: 50 }]);
    expect(splitFrames({ total: 100, pieces: 1, minFrames: 1, cuts: [], overlap: 0 })).toEqual([{ first: 0, end: 100 }]);
  });
});

describe('buildDecodeCheckArgs', () => {
  it('decodes one video frame, failing on a decoder error', () => {
    expect(toArgv(buildDecodeCheckArgs({ input: '/m/bg.png', stream: 'v' }))).toEqual([
      '-hide_banner', '-y', '-xerror', '-i', '/m/bg.png', '-map', '0:v:0', '-frames:v', '1', '-f', 'null', '-',
    ]);
  });

  it('decodes one audio frame', () => {
    expect(toArgv(buildDecodeCheckArgs({ input: '/m/song.mp3', stream: 'a' }))).toEqual([
      '-hide_banner', '-y', '-xerror', '-i', '/m/song.mp3', '-map', '0:a:0', '-frames:a', '1', '-f', 'null', '-',
    ]);
  });
});

describe('hexToFfmpegColor', () => {
  it.each([
    ['#abc', '0xaabbcc'],
    ['#ABC', '0xaabbcc'],
    ['#0b1d3a', '0x0b1d3a'],
    ['#FFFFFF', '0xffffff'],
  ])('%s -> %s', (hex, expected) => {
    expect(hexToFfmpegColor(hex)).toBe(expected);
  });

  it.each(['abc', '#abcd', '#12345g', 'red', '', '#aabbcc ', '0xaabbcc', '#aabbcc,drawtext'])('throws on %j', (bad) => {
    expect(() => hexToFfmpegColor(bad)).toThrow(/not a hex colour/);
  });
});

describe('buildConcatList', () => {
  it('writes one quoted file line per path, one path per line', () => {
    expect(buildConcatList(['/data/work/v/scene-000.wav', '/data/work/v/scene-001.wav'])).toBe(
      "file '/data/work/v/scene-000.wav'\nfile '/data/work/v/scene-001.wav'\n",
    );
  });

  it("closes, escapes and reopens the quotes around a single quote in a path", () => {
    expect(buildConcatList(["/data/it's here/a.wav"])).toBe("file '/data/it'\\''s here/a.wav'\n");
  });
});

describe('buildSpeechNormalizeArgs', () => {
  it('loudness-normalises to 48 kHz mono PCM with a trailing pause', () => {
    expect(toArgv(buildSpeechNormalizeArgs({ input: '/s/raw', output: '/s/speech.wav', pauseSeconds: 0.5 }))).toEqual([
      '-hide_banner', '-y',
      '-i', '/s/raw',
      '-af', 'loudnorm=I=-16:TP=-1.5:LRA=11,aresample=48000,apad=pad_dur=0.5',
      '-ac', '1',
      '-c:a', 'pcm_s16le',
      '-f', 'wav',
      '/s/speech.wav',
    ]);
  });

  it('pads 0.3 s by default', () => {
    const argv = toArgv(buildSpeechNormalizeArgs({ input: 'in', output: 'out' }));
    expect(argv[argv.indexOf('-af') + 1]).toMatch(/apad=pad_dur=0\.3$/);
  });
});
