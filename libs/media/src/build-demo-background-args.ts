import type { FfmpegSpec } from './ffmpeg-spec';

/**
 * The demo's background, drawn by ffmpeg so that `npm run demo` needs no image file from anywhere: deep-sea blue,
 * darker with depth, with light rays fanning down from above the frame (a sine of the angle to a point above the
 * top centre, sharpened by a power), a little film grain and a soft blur. A still image with texture, so the Ken
 * Burns move the demo asks for is visible.
 */
export function buildDemoBackgroundArgs(o: { output: string; width: number; height: number }): FfmpegSpec {
  const { width: w, height: h } = o;
  const depth = '(1-Y/H)';
  const ray = `${depth}*pow(abs(sin(atan2(X-${w / 2}\\,Y+${Math.round(h * 0.16)})*9))\\,12)`;
  const channel = (base: number, deep: string, rays: number) => `'${base}+${deep}+${rays}*${ray}'`;
  const geq = [
    `r=${channel(4, `18*${depth}`, 30)}`,
    `g=${channel(20, `95*pow(${depth}\\,1.5)`, 60)}`,
    `b=${channel(45, `120*pow(${depth}\\,1.2)`, 60)}`,
  ].join(':');
  return {
    inputs: [{ source: `color=c=black:s=${w}x${h}`, options: ['-f', 'lavfi'] }],
    outputOptions: ['-vf', `format=rgb24,geq=${geq},noise=alls=6:allf=t,gblur=sigma=2`, '-frames:v', '1', '-update', '1', '-f', 'image2', '-c:v', 'mjpeg', '-q:v', '3'],
    output: o.output,
  };
}
