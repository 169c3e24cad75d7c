import type { ProbeResult } from './ffmpeg-runner';

export type MediaClass = { kind: 'image' | 'video' | 'audio'; stream: 'v' | 'a' } | { kind: 'unsupported'; why: string };

/** Demuxers of single still images: ffprobe names content-probed images `<codec>_pipe` (png_pipe, jpeg_pipe, webp_pipe). */
const IMAGE_FORMAT = /(^|,)(image2|[a-z0-9]+_pipe|gif|apng)(,|$)/;
/** Codecs of still pictures; an audio file's cover art is a "video" stream in one of these. */
const PICTURE_CODECS = new Set(['png', 'mjpeg', 'jpegls', 'webp', 'bmp', 'tiff', 'gif', 'apng', 'jpeg2000', 'qoi']);
/**
 * Formats that are not media files at all: `tty` is how ffprobe reads plain text (an "ansi" video stream), the
 * others are lists of other inputs that would make ffmpeg open further files or URLs.
 */
const NOT_MEDIA_FORMATS = new Set(['tty', 'hls', 'applehttp', 'concat', 'ffconcat', 'sdp', 'rtsp', 'rtp', 'dash', 'tee', 'ffmetadata', 'lavfi']);

/**
 * What a probed file is for the media library: an image (a still-image format with a picture stream), a video
 * (a moving-picture stream), or audio (an audio stream, cover art or not), and which stream must decode to prove
 * it; anything else is unsupported, with the reason. Pure: the caller probes, and decodes the stream after.
 */
export function classifyMediaProbe(probe: Pick<ProbeResult, 'format' | 'streams'>): MediaClass {
  const formats = probe.format.split(',').filter(Boolean);
  const notMedia = formats.find((f) => NOT_MEDIA_FORMATS.has(f));
  if (notMedia) return { kind: 'unsupported', why: `it is ${notMedia === 'tty' ? 'text' : `a ${notMedia} list of other inputs`}, not an image, a video or audio` };
  const video = probe.streams.filter((s) => s.type === 'video' && s.codec !== 'ansi');
  const audio = probe.streams.filter((s) => s.type === 'audio');
  if (video.length && IMAGE_FORMAT.test(probe.format)) return { kind: 'image', stream: 'v' };
  if (video.some((s) => !PICTURE_CODECS.has(s.codec))) return { kind: 'video', stream: 'v' };
  if (audio.length) return { kind: 'audio', stream: 'a' };
  if (video.length) return { kind: 'video', stream: 'v' };
  return { kind: 'unsupported', why: 'it has no image, video or audio stream' };
}
