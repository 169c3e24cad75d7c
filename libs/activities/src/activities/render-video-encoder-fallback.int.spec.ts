import { MockActivityEnvironment } from '@temporalio/testing';
import type { RenderVideoInput, RenderVideoOutput } from '@vidflow/contracts';
import { chooseH264Encoder, execFfmpeg, FfmpegRunner } from '@vidflow/media';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ArtifactStore } from '../adapters/artifact-store/artifact-store';
import { makeRenderVideo } from './render-video.activity';

jest.setTimeout(60_000);

/**
 * RENDER_ENCODER with a fake ffmpeg (no machine here has a GPU): it lists h264_nvenc, fails every run that uses
 * it the way a missing driver does, records every call, and hands everything else to the real ffmpeg.
 */
describe('hardware encoder probe and per-render fallback (fake ffmpeg over the real one)', () => {
  let dir: string;
  let fakeFfmpeg: string;
  let calls: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'vidflow-encoder-'));
    fakeFfmpeg = join(dir, 'ffmpeg');
    calls = join(dir, 'calls.log');
    const real = execFileSync('sh', ['-c', 'command -v ffmpeg'], { encoding: 'utf8' }).trim();
    writeFileSync(
      fakeFfmpeg,
      `#!/bin/sh
echo "$*" >> '${calls}'
case " $* " in
  *" -encoders "*) printf 'Encoders:\\n V..... = Video\\n V....D libx264   libx264 H.264\\n V....D h264_nvenc   NVIDIA NVENC H.264 encoder (codec h264)\\n'; exit 0;;
  *" h264_nvenc "*) echo "[h264_nvenc @ 0x1] Cannot load libcuda.so.1" >&2; echo "Error while opening encoder" >&2; exit 1;;
esac
exec '${real}' "$@"
`,
    );
    chmodSync(fakeFfmpeg, 0o755);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('auto: lists h264_nvenc, its test frame fails, libx264 is chosen', async () => {
    const chosen = await chooseH264Encoder({ wanted: 'auto', run: execFfmpeg(fakeFfmpeg) });
    expect(chosen.encoder).toBe('libx264');
    expect(chosen.trials[0]).toMatchObject({ encoder: 'h264_nvenc', ok: false });
    expect(chosen.trials[0]!.reason).toContain('Cannot load libcuda');
  });

  it('a render whose hardware encode fails is rendered again with libx264 and the video does not fail', async () => {
    writeFileSync(calls, '');
    const root = join(dir, 'store');
    const store = new ArtifactStore(root);
    const ffmpeg = new FfmpegRunner({ ffmpegPath: fakeFfmpeg, ffprobePath: 'ffprobe' });
    // As if the start-up probe had passed and the GPU failed later.
    const renderVideo = makeRenderVideo({ store, ffmpeg, renderPreset: 'ultrafast', renderEncoder: async () => 'h264_nvenc' });
    const speech = join(root, 'speech.wav');
    execFileSync('mkdir', ['-p', root]);
    execFileSync('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'sine=f=440:d=4', '-ar', '48000', '-ac', '2', speech]);
    const input: RenderVideoInput = {
      videoId: 'vid-hw',
      language: 'en',
      render: { width: 320, height: 568, fps: 15, captions: false, background: { color: '#0b1d3a' } },
      scenes: [{ text: 'One scene.', audioPath: 'speech.wav', durationSeconds: 4 }],
    };
    const result = (await new MockActivityEnvironment().run(renderVideo, input)) as RenderVideoOutput;
    // The status names the encoder that made the file: libx264, after the hardware encoder failed.
    expect(result).toMatchObject({ path: 'videos/vid-hw.mp4', width: 320, height: 568, encoder: 'libx264' });
    const probe = await new FfmpegRunner({ ffmpegPath: 'ffmpeg', ffprobePath: 'ffprobe' }).probe(join(root, result.path));
    expect(probe.streams).toEqual(expect.arrayContaining([{ type: 'video', codec: 'h264', width: 320, height: 568 }]));
    const log = readFileSync(calls, 'utf8').split('\n');
    // First the video encode with NVENC (failed), then again with libx264.
    const nvenc = log.findIndex((l) => l.includes('h264_nvenc'));
    const x264 = log.findIndex((l) => l.includes('-c:v libx264'));
    expect(nvenc).toBeGreaterThanOrEqual(0);
    expect(x264).toBeGreaterThan(nvenc);
  });
});
