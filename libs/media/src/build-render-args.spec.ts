import { buildConcatList, buildRenderArgs, hexToFfmpegColor, type RenderArgsOptions } from './build-render-args';
import { buildSpeechNormalizeArgs } from './build-speech-normalize-args';
import { toArgv } from './ffmpeg-spec';

const base: RenderArgsOptions = {
  width: 320,
  height: 568,
  fps: 30,
  durationSeconds: 4.5,
  backgroundColor: '#0B1D3A',
  narrationList: '/data/tmp/vid-1/render-ab12/narration.txt',
  preset: 'veryfast',
  output: '/data/tmp/vid-1/render-ab12/video.mp4',
};

const outputTail = (duration: string, preset = 'veryfast', fps = '30') => [
  '-map', '[v]',
  '-map', '1:a',
  '-c:v', 'libx264',
  '-preset', preset,
  '-tune', 'stillimage',
  '-crf', '23',
  '-pix_fmt', 'yuv420p',
  '-r', fps,
  '-c:a', 'aac',
  '-b:a', '128k',
  '-ar', '48000',
  '-ac', '2',
  '-t', duration,
  '-movflags', '+faststart',
];

describe('buildRenderArgs', () => {
  it('draws a colour background, burns in the captions and muxes the narration', () => {
    const spec = buildRenderArgs({ ...base, subtitlesPath: '/data/tmp/vid-1/render-ab12/captions.ass' });
    expect(toArgv(spec)).toEqual([
      '-hide_banner', '-y',
      '-f', 'lavfi', '-i', 'color=c=0x0b1d3a:s=320x568:r=30:d=4.500',
      '-f', 'concat', '-safe', '0', '-i', '/data/tmp/vid-1/render-ab12/narration.txt',
      '-filter_complex', '[0:v]subtitles=filename=/data/tmp/vid-1/render-ab12/captions.ass,format=yuv420p[v]',
      ...outputTail('4.500'),
      '/data/tmp/vid-1/render-ab12/video.mp4',
    ]);
  });

  it('skips the subtitles filter when there are no captions', () => {
    const spec = buildRenderArgs({ ...base, width: 1920, height: 1080, fps: 25, preset: 'medium' });
    expect(toArgv(spec)).toEqual([
      '-hide_banner', '-y',
      '-f', 'lavfi', '-i', 'color=c=0x0b1d3a:s=1920x1080:r=25:d=4.500',
      '-f', 'concat', '-safe', '0', '-i', '/data/tmp/vid-1/render-ab12/narration.txt',
      '-filter_complex', '[0:v]format=yuv420p[v]',
      ...outputTail('4.500', 'medium', '25'),
      '/data/tmp/vid-1/render-ab12/video.mp4',
    ]);
  });

  it('writes the duration with exactly three decimals in both the source and -t', () => {
    const argv = toArgv(buildRenderArgs({ ...base, durationSeconds: 10 / 3 }));
    expect(argv[argv.indexOf('-t') + 1]).toBe('3.333');
    expect(argv).toContain('color=c=0x0b1d3a:s=320x568:r=30:d=3.333');

    const whole = toArgv(buildRenderArgs({ ...base, durationSeconds: 12 }));
    expect(whole[whole.indexOf('-t') + 1]).toBe('12.000');
  });

  it('escapes a subtitles path with filtergraph metacharacters inside the filter string', () => {
    const spec = buildRenderArgs({ ...base, subtitlesPath: "/data/a:b,c'd/captions.ass" });
    expect(spec.filterComplex).toBe(String.raw`[0:v]subtitles=filename=/data/a\\:b\,c\\\'d/captions.ass,format=yuv420p[v]`);
  });

  it('refuses a background that is not a hex colour (it would be spliced into the filter graph)', () => {
    expect(() => buildRenderArgs({ ...base, backgroundColor: 'red:s=1x1' })).toThrow(/not a hex colour/);
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
