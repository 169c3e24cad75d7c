import { classifyMediaProbe } from './classify-media-probe';

const v = (codec: string) => ({ type: 'video', codec, width: 64, height: 64 });
const a = (codec: string) => ({ type: 'audio', codec });

describe('classifyMediaProbe', () => {
  it.each([
    ['png_pipe', [v('png')], { kind: 'image', stream: 'v' }],
    ['jpeg_pipe', [v('mjpeg')], { kind: 'image', stream: 'v' }],
    ['image2', [v('png')], { kind: 'image', stream: 'v' }],
    ['gif', [v('gif')], { kind: 'image', stream: 'v' }],
    ['mov,mp4,m4a,3gp,3g2,mj2', [v('h264'), a('aac')], { kind: 'video', stream: 'v' }],
    ['matroska,webm', [v('vp9')], { kind: 'video', stream: 'v' }],
    ['mp3', [a('mp3'), v('mjpeg')], { kind: 'audio', stream: 'a' }],
    ['wav', [a('pcm_s16le')], { kind: 'audio', stream: 'a' }],
    ['ogg', [a('opus')], { kind: 'audio', stream: 'a' }],
  ])('%s with %j is %j', (format, streams, expected) => {
    expect(classifyMediaProbe({ format, streams })).toEqual(expected);
  });

  it('refuses text (ffprobe reads it as the tty format) and lists of other inputs', () => {
    expect(classifyMediaProbe({ format: 'tty', streams: [v('ansi')] })).toEqual({ kind: 'unsupported', why: 'it is text, not an image, a video or audio' });
    expect(classifyMediaProbe({ format: 'hls', streams: [v('h264')] })).toEqual({ kind: 'unsupported', why: 'it is a hls list of other inputs, not an image, a video or audio' });
    expect(classifyMediaProbe({ format: 'concat', streams: [] }).kind).toBe('unsupported');
  });

  it('refuses a file with no stream it could use', () => {
    expect(classifyMediaProbe({ format: 'srt', streams: [{ type: 'subtitle', codec: 'subrip' }] })).toEqual({ kind: 'unsupported', why: 'it has no image, video or audio stream' });
    expect(classifyMediaProbe({ format: 'tty', streams: [] }).kind).toBe('unsupported');
  });
});
