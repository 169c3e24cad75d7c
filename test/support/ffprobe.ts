import { execFileSync } from 'node:child_process';

export interface Probed {
  duration: number;
  video?: { codec: string; width: number; height: number };
  audio?: { codec: string };
}

/** ffprobe, independent of the code under test, for checking produced files. */
export function ffprobe(file: string): Probed {
  const out = execFileSync('ffprobe', ['-v', 'error', '-show_streams', '-show_format', '-of', 'json', file], { encoding: 'utf8' });
  const data = JSON.parse(out) as {
    format: { duration: string };
    streams: Array<{ codec_type: string; codec_name: string; width?: number; height?: number }>;
  };
  const v = data.streams.find((s) => s.codec_type === 'video');
  const a = data.streams.find((s) => s.codec_type === 'audio');
  return {
    duration: Number(data.format.duration),
    video: v ? { codec: v.codec_name, width: v.width!, height: v.height! } : undefined,
    audio: a ? { codec: a.codec_name } : undefined,
  };
}
