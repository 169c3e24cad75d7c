import { execFile } from 'node:child_process';
import { HARDWARE_H264_ENCODERS, h264EncoderArgs, type H264Encoder, type RenderEncoderSetting } from './h264-encoder';

export interface EncoderTrial {
  encoder: H264Encoder;
  ok: boolean;
  /** Why it was not chosen: not listed by `ffmpeg -encoders`, or the tail of the test encode's stderr. */
  reason?: string;
}

export interface ChosenEncoder {
  encoder: H264Encoder;
  trials: EncoderTrial[];
}

/** Runs ffmpeg with `args`; resolves with its exit status and output, never rejects. */
export type RunFfmpeg = (args: string[]) => Promise<{ ok: boolean; stdout: string; stderr: string }>;

/** Encoders an ffmpeg build lists, from `ffmpeg -encoders` (lines like ` V....D h264_nvenc   NVIDIA NVENC ...`). */
export function parseEncoderList(stdout: string): Set<string> {
  const names = new Set<string>();
  for (const line of stdout.split('\n')) {
    const m = /^\s*V[A-Z.]{5}\s+([a-z0-9_]+)\s/i.exec(line);
    if (m) names.add(m[1]!);
  }
  return names;
}

/** One frame through `encoder`: a listed encoder without the device or driver behind it fails here. */
export function testEncodeArgs(encoder: H264Encoder): string[] {
  const args = h264EncoderArgs(encoder, { preset: 'veryfast' });
  const filter = ['format=yuv420p', ...(args.filterSuffix ? [args.filterSuffix] : [])].join(',');
  return ['-hide_banner', '-v', 'error', ...args.inputOptions, '-f', 'lavfi', '-i', 'color=c=black:s=256x256:r=30:d=0.1', '-vf', filter, '-frames:v', '1', ...args.outputOptions, '-f', 'null', '-'];
}

/**
 * The H.264 encoder renders use, decided once at worker start: `libx264` as asked, or (auto, or a hardware encoder
 * named) the first hardware encoder that ffmpeg lists and that encodes a test frame; libx264 otherwise. Every
 * failure ends in libx264, never in an error: a machine without a GPU renders as before.
 */
export async function chooseH264Encoder(o: { wanted: RenderEncoderSetting; run: RunFfmpeg }): Promise<ChosenEncoder> {
  if (o.wanted === 'libx264') return { encoder: 'libx264', trials: [] };
  const candidates: H264Encoder[] = o.wanted === 'auto' ? [...HARDWARE_H264_ENCODERS] : [o.wanted];
  const listing = await o.run(['-hide_banner', '-encoders']);
  const listed = listing.ok ? parseEncoderList(listing.stdout) : new Set<string>();
  const trials: EncoderTrial[] = [];
  for (const encoder of candidates) {
    if (!listed.has(encoder)) {
      trials.push({ encoder, ok: false, reason: listing.ok ? 'not in ffmpeg -encoders' : `ffmpeg -encoders failed: ${tail(listing.stderr)}` });
      continue;
    }
    const test = await o.run(testEncodeArgs(encoder));
    trials.push(test.ok ? { encoder, ok: true } : { encoder, ok: false, reason: tail(test.stderr) || 'test encode failed' });
    if (test.ok) return { encoder, trials };
  }
  return { encoder: 'libx264', trials };
}

/** RunFfmpeg over a real binary, each run bounded (a wedged driver must not hold the worker's start). */
export function execFfmpeg(ffmpegPath: string, timeoutMs = 20_000): RunFfmpeg {
  return (args) =>
    new Promise((resolve) => {
      execFile(ffmpegPath, args, { timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: 4 * 1024 * 1024 }, (err, stdout, stderr) =>
        resolve({ ok: !err, stdout: String(stdout), stderr: String(stderr) || (err ? err.message : '') }),
      );
    });
}

function tail(text: string): string {
  return text.trim().split('\n').slice(-2).join(' | ').slice(0, 300);
}
