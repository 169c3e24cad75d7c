import { buildPosterArgs, posterSeconds } from './build-poster-args';
import { toArgv } from './ffmpeg-spec';

describe('buildPosterArgs', () => {
  it('takes one scaled JPEG frame a quarter into the video, seeking before decoding', () => {
    expect(toArgv(buildPosterArgs({ input: '/v.mp4', durationSeconds: 4, output: '/p.jpg' }))).toEqual([
      '-hide_banner', '-y', '-ss', '1.000', '-i', '/v.mp4',
      '-map', '0:v:0', '-frames:v', '1', '-vf', 'scale=320:-2', '-q:v', '4', '-f', 'image2', '-c:v', 'mjpeg', '/p.jpg',
    ]);
  });

  it('never seeks past 2 s, nor before the start', () => {
    expect(posterSeconds(600)).toBe(2);
    expect(posterSeconds(0.4)).toBeCloseTo(0.1);
    expect(posterSeconds(0)).toBe(0);
  });

  it('takes another width when asked', () => {
    expect(buildPosterArgs({ input: 'a', durationSeconds: 1, output: 'b', width: 160 }).outputOptions).toContain('scale=160:-2');
  });
});
