import { buildRenderArgs, type RenderArgsOptions } from '../build-render-args';
import { chooseH264Encoder, parseEncoderList, testEncodeArgs, type RunFfmpeg } from './choose-h264-encoder';

const base: RenderArgsOptions = {
  width: 1080,
  height: 1920,
  fps: 30,
  durationSeconds: 4,
  backgrounds: [{ background: { color: '#112233' }, startSeconds: 0 }],
  narrationList: '/d/narration.txt',
  preset: 'veryfast',
  output: '/d/out.mp4',
};

const ENCODERS = `Encoders:
 V..... = Video
 ------
 V....D libx264              libx264 H.264 / AVC / MPEG-4 AVC / MPEG-4 part 10 (codec h264)
 V....D h264_nvenc           NVIDIA NVENC H.264 encoder (codec h264)
 V....D h264_vaapi           H.264/AVC (VAAPI) (codec h264)
 A....D aac                  AAC (Advanced Audio Coding)
`;

describe('the render with another H.264 encoder', () => {
  it('NVENC: its own options, none of x264 (no -tune, -crf or x264-params)', () => {
    const args = buildRenderArgs({ ...base, cfr: true, encoder: 'h264_nvenc' }).video[0]!.spec.outputOptions;
    expect(args.slice(0, 14)).toEqual(['-map', '[v]', '-c:v', 'h264_nvenc', '-preset', 'p4', '-rc', 'vbr', '-cq', '23', '-b:v', '0', '-pix_fmt', 'yuv420p']);
    expect(args).not.toContain('-tune');
    expect(args).not.toContain('-crf');
    expect(args).not.toContain('-x264-params');
  });

  it('VA-API: the device before the inputs, frames uploaded at the end of the graph, no -pix_fmt', () => {
    const video = buildRenderArgs({ ...base, encoder: 'h264_vaapi' }).video[0]!.spec;
    expect(video.inputs[0]!.options.slice(0, 2)).toEqual(['-vaapi_device', '/dev/dri/renderD128']);
    expect(video.filterComplex).toMatch(/,format=nv12,hwupload\[v\]$/);
    expect(video.outputOptions).toEqual(expect.arrayContaining(['-c:v', 'h264_vaapi', '-qp', '23']));
    expect(video.outputOptions).not.toContain('-pix_fmt');
  });

  it('libx264 when no encoder is named: the arguments are those of RENDER_PRESET', () => {
    const args = buildRenderArgs(base).video[0]!.spec.outputOptions;
    expect(args.slice(0, 6)).toEqual(['-map', '[v]', '-c:v', 'libx264', '-preset', 'veryfast']);
    expect(args).toEqual(expect.arrayContaining(['-crf', '23', '-pix_fmt', 'yuv420p']));
  });
});

describe('chooseH264Encoder', () => {
  /** A fake ffmpeg: lists ENCODERS; a test encode succeeds only for `working`. */
  const fake = (working: string[]) => {
    const calls: string[][] = [];
    const run: RunFfmpeg = async (args) => {
      calls.push(args);
      if (args.includes('-encoders')) return { ok: true, stdout: ENCODERS, stderr: '' };
      const encoder = args[args.indexOf('-c:v') + 1]!;
      return working.includes(encoder) ? { ok: true, stdout: '', stderr: '' } : { ok: false, stdout: '', stderr: `[${encoder}] Cannot load libcuda.so.1\nError while opening encoder` };
    };
    return { run, calls };
  };

  it('parses the video encoders ffmpeg lists', () => {
    expect([...parseEncoderList(ENCODERS)]).toEqual(['libx264', 'h264_nvenc', 'h264_vaapi']);
  });

  it('auto: the first listed encoder whose test frame encodes', async () => {
    const { run } = fake(['h264_vaapi']);
    const chosen = await chooseH264Encoder({ wanted: 'auto', run });
    expect(chosen.encoder).toBe('h264_vaapi');
    expect(chosen.trials.map((t) => [t.encoder, t.ok])).toEqual([
      ['h264_nvenc', false],
      ['h264_qsv', false],
      ['h264_vaapi', true],
    ]);
    expect(chosen.trials[0]!.reason).toContain('Cannot load libcuda');
    expect(chosen.trials[1]!.reason).toBe('not in ffmpeg -encoders');
  });

  it('auto: libx264 when every listed hardware encoder fails its test frame', async () => {
    const { run } = fake([]);
    expect((await chooseH264Encoder({ wanted: 'auto', run })).encoder).toBe('libx264');
  });

  it('a named hardware encoder that fails falls back to libx264; libx264 asks ffmpeg nothing', async () => {
    expect((await chooseH264Encoder({ wanted: 'h264_nvenc', run: fake([]).run })).encoder).toBe('libx264');
    const quiet = fake(['h264_nvenc']);
    expect((await chooseH264Encoder({ wanted: 'libx264', run: quiet.run })).encoder).toBe('libx264');
    expect(quiet.calls).toEqual([]);
  });

  it('ffmpeg -encoders failing means libx264', async () => {
    const run: RunFfmpeg = async () => ({ ok: false, stdout: '', stderr: 'ffmpeg: not found' });
    const chosen = await chooseH264Encoder({ wanted: 'auto', run });
    expect(chosen.encoder).toBe('libx264');
    expect(chosen.trials[0]!.reason).toContain('not found');
  });

  it('the test encode is one frame to the null muxer', () => {
    const args = testEncodeArgs('h264_qsv');
    expect(args).toEqual(expect.arrayContaining(['-frames:v', '1', '-c:v', 'h264_qsv', '-f', 'null', '-']));
  });
});
