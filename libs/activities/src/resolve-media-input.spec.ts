import { ApplicationFailure } from '@temporalio/common';
import { FfmpegRunner } from '@vidflow/media';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveMediaInput, type MediaKind } from './resolve-media-input';

jest.setTimeout(30_000);

/** Real files and real ffprobe/ffmpeg: the checks are only as good as what they catch on disk. */
describe('resolveMediaInput', () => {
  let root: string;
  let mediaDir: string;
  const ffmpeg = new FfmpegRunner({ ffmpegPath: 'ffmpeg', ffprobePath: 'ffprobe' });
  const make = (args: string[]) => execFileSync('ffmpeg', ['-v', 'error', '-y', ...args]);

  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'vidflow-media-'));
    mediaDir = join(root, 'media');
    mkdirSync(join(mediaDir, 'sub'), { recursive: true });
    make(['-f', 'lavfi', '-i', 'color=c=red:s=64x48', '-frames:v', '1', join(mediaDir, 'sub', 'bg.png')]);
    make(['-f', 'lavfi', '-i', 'testsrc=s=64x48:r=10:d=1', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', join(mediaDir, 'clip.mp4')]);
    make(['-f', 'lavfi', '-i', 'sine=d=1', '-c:a', 'aac', join(mediaDir, 'tone.m4a')]);
    make(['-f', 'lavfi', '-i', 'sine=d=1', '-c:a', 'aac', join(mediaDir, 'no-video.mp4')]);
    writeFileSync(join(mediaDir, 'fake.png'), 'this is text, not a PNG\n');
    writeFileSync(join(root, 'secret.png'), 'outside');
    symlinkSync(join(root, 'secret.png'), join(mediaDir, 'escape.png'));
    symlinkSync(join(mediaDir, 'sub', 'bg.png'), join(mediaDir, 'inside-link.png'));
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  const resolve = (ref: string, kind: MediaKind = 'image', field = 'render.background.image') =>
    resolveMediaInput({ ref, field, kind, mediaDir, ffmpeg });
  const failure = async (ref: string, kind: MediaKind = 'image', field?: string): Promise<ApplicationFailure> => {
    const err = await resolve(ref, kind, field).catch((e: unknown) => e);
    if (!(err instanceof ApplicationFailure)) throw new Error(`expected a failure for ${ref}, got ${String(err)}`);
    expect(err).toMatchObject({ type: 'BadMedia', nonRetryable: true });
    return err;
  };

  it('resolves relative paths under MEDIA_DIR, absolute paths inside it and links that stay inside', async () => {
    await expect(resolve('sub/bg.png')).resolves.toBe(join(mediaDir, 'sub', 'bg.png'));
    await expect(resolve(join(mediaDir, 'sub', 'bg.png'))).resolves.toBe(join(mediaDir, 'sub', 'bg.png'));
    await expect(resolve('inside-link.png')).resolves.toBe(join(mediaDir, 'sub', 'bg.png'));
    await expect(resolve('clip.mp4', 'video')).resolves.toBe(join(mediaDir, 'clip.mp4'));
    await expect(resolve('tone.m4a', 'audio')).resolves.toBe(join(mediaDir, 'tone.m4a'));
  });

  it.each<[string, string, MediaKind, RegExp]>([
    ['a missing file', 'nope.png', 'image', /^render\.background\.image: file not found: "nope\.png"$/],
    ['a ../ escape', '../secret.png', 'image', /^render\.background\.image: "\.\.\/secret\.png": "\.\." is not allowed/],
    ['a ../ hidden in the middle', 'sub/../../secret.png', 'image', /"\.\." is not allowed/],
    ['an absolute path outside MEDIA_DIR', '/etc/passwd', 'image', /"\/etc\/passwd" is outside MEDIA_DIR/],
    ['a symbolic link out of MEDIA_DIR', 'escape.png', 'image', /"escape\.png" resolves \(through a symbolic link\) outside MEDIA_DIR/],
    ['a text file posing as .png', 'fake.png', 'image', /"fake\.png" cannot be decoded as an image/],
    ['a video file with no video stream', 'no-video.mp4', 'video', /"no-video\.mp4" has no video stream/],
    ['music without sound', 'sub/bg.png', 'audio', /"sub\/bg\.png" has no audio stream/],
    ['a directory', 'sub', 'image', /"sub" is not a file/],
    ['an http URL (downloads are not supported yet)', 'https://example.com/a.png', 'image', /downloading media from URLs is not supported/],
    ['another scheme', 'file:///etc/passwd', 'image', /only paths under MEDIA_DIR/],
  ])('refuses %s as non-retryable BadMedia naming the field', async (_what, ref, kind, message) => {
    const err = await failure(ref, kind);
    expect(err.message).toMatch(message);
  });

  it('names the field it was given', async () => {
    const err = await failure('nope.mp4', 'video', 'scenes.3.background.video');
    expect(err.message).toBe('scenes.3.background.video: file not found: "nope.mp4"');
    expect(err.details).toEqual([{ field: 'scenes.3.background.video' }]);
  });
});
