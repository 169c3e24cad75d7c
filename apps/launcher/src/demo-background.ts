import type { VidflowConfig } from '@vidflow/config';
import { buildDemoBackgroundArgs, FfmpegRunner } from '@vidflow/media';
import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/** Where the demo's background lives, relative to MEDIA_DIR (what the demo request names). */
export const DEMO_BACKGROUND = join('vidflow-demo', 'deep-sea.jpg');

/**
 * Makes the demo's background image under MEDIA_DIR unless it is there already: drawn by ffmpeg (no download, no
 * file in the repository) to a temporary name and renamed into place, so a demo stopped half-way never leaves a
 * broken image that the next one would use. Answers the path relative to MEDIA_DIR.
 */
export async function ensureDemoBackground(config: Pick<VidflowConfig, 'mediaDir' | 'tools'>): Promise<string> {
  const target = join(config.mediaDir, DEMO_BACKGROUND);
  if ((await stat(target).catch(() => undefined))?.isFile()) return DEMO_BACKGROUND;
  await mkdir(dirname(target), { recursive: true });
  const partial = `${target}.${randomBytes(4).toString('hex')}.part.jpg`;
  try {
    await new FfmpegRunner({ ffmpegPath: config.tools.ffmpeg, ffprobePath: config.tools.ffprobe }).run(
      buildDemoBackgroundArgs({ output: partial, width: 1080, height: 1920 }),
    );
    await rename(partial, target);
  } finally {
    await rm(partial, { force: true });
  }
  return DEMO_BACKGROUND;
}
