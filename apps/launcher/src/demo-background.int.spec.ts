import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEMO_BACKGROUND, ensureDemoBackground } from './demo-background';

describe('ensureDemoBackground (real ffmpeg)', () => {
  let mediaDir: string;
  const tools = { ffmpeg: 'ffmpeg', ffprobe: 'ffprobe', espeak: 'espeak-ng', flite: 'flite', festival: 'festival' };
  beforeAll(() => (mediaDir = mkdtempSync(join(tmpdir(), 'vidflow-demo-media-'))));
  afterAll(() => rmSync(mediaDir, { recursive: true, force: true }));

  /** The mean RGB of a horizontal band of the image (its top or bottom tenth). */
  const band = (file: string, top: boolean) =>
    [...execFileSync('ffmpeg', ['-v', 'error', '-i', file, '-vf', `crop=iw:ih/10:0:${top ? 0 : 'ih*9/10'},scale=1:1`, '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-'])];

  it('draws a 1080x1920 deep-blue JPEG under MEDIA_DIR, lighter at the top, once, leaving no partial file', async () => {
    expect(await ensureDemoBackground({ mediaDir, tools })).toBe(DEMO_BACKGROUND);
    const file = join(mediaDir, DEMO_BACKGROUND);
    const probe = JSON.parse(execFileSync('ffprobe', ['-v', 'error', '-show_entries', 'stream=codec_name,width,height', '-of', 'json', file], { encoding: 'utf8' }));
    expect(probe.streams[0]).toEqual({ codec_name: 'mjpeg', width: 1080, height: 1920 });
    const [r, , b] = band(file, true);
    expect(b).toBeGreaterThan(r! + 60);
    expect(b).toBeGreaterThan(band(file, false)[2]! + 40);
    expect(readdirSync(join(mediaDir, 'vidflow-demo'))).toEqual(['deep-sea.jpg']);

    const made = statSync(file).mtimeMs;
    await ensureDemoBackground({ mediaDir, tools });
    expect(statSync(file).mtimeMs).toBe(made);
  });
});
