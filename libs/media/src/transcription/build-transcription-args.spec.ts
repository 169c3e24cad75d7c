import { toArgv } from '../ffmpeg-spec';
import { buildAudioExtractArgs } from './build-audio-extract-args';
import { buildBurnInArgs } from './build-burn-in-args';
import { buildChunkCutArgs } from './build-chunk-cut-args';
import { buildSilenceDetectArgs } from './build-silence-detect-args';

describe('transcription ffmpeg builders', () => {
  it('extracts the first audio stream as 16 kHz mono 16-bit WAV', () => {
    expect(toArgv(buildAudioExtractArgs({ input: '/in/talk.mp4', output: '/w/audio.wav' }))).toEqual([
      '-hide_banner', '-y', '-i', '/in/talk.mp4',
      '-map', '0:a:0', '-vn', '-sn', '-dn', '-ac', '1', '-ar', '16000', '-c:a', 'pcm_s16le', '-f', 'wav', '/w/audio.wav',
    ]);
  });

  it('runs silencedetect with the defaults, or the given level and duration, into the null muxer', () => {
    expect(toArgv(buildSilenceDetectArgs({ input: '/w/audio.wav' }))).toEqual([
      '-hide_banner', '-y', '-i', '/w/audio.wav', '-map', '0:a:0', '-af', 'silencedetect=noise=-35dB:d=0.3', '-f', 'null', '-',
    ]);
    expect(buildSilenceDetectArgs({ input: 'a.wav', noiseDb: -50, minSilenceSeconds: 0.5 }).outputOptions).toContain('silencedetect=noise=-50dB:d=0.5');
  });

  it('cuts a chunk sample-exactly with millisecond times and bit-exact output', () => {
    expect(toArgv(buildChunkCutArgs({ input: '/w/audio.wav', start: 12.3, end: 41.85, output: '/t/chunk.wav' }))).toEqual([
      '-hide_banner', '-y', '-ss', '12.300', '-t', '29.550', '-i', '/w/audio.wav',
      '-map', '0:a:0', '-map_metadata', '-1', '-fflags', '+bitexact', '-flags:a', '+bitexact',
      '-ac', '1', '-ar', '16000', '-c:a', 'pcm_s16le', '-f', 'wav', '/t/chunk.wav',
    ]);
  });

  it('burns subtitles in with libass, copying AAC audio or encoding anything else', () => {
    const base = { input: '/in/v.mkv', subtitlesPath: "/t/it's:subs.ass", preset: 'veryfast', output: '/t/out.mp4' };
    expect(toArgv(buildBurnInArgs({ ...base, copyAudio: true }))).toEqual([
      '-hide_banner', '-y', '-i', '/in/v.mkv',
      '-map', '0:v:0', '-map', '0:a:0',
      '-vf', "subtitles=filename=/t/it\\\\\\'s\\\\:subs.ass",
      '-c:v', 'libx264', '-preset', 'veryfast', '-crf', '20', '-pix_fmt', 'yuv420p',
      '-c:a', 'copy', '-movflags', '+faststart', '-f', 'mp4', '/t/out.mp4',
    ]);
    expect(buildBurnInArgs({ ...base, copyAudio: false }).outputOptions).toEqual(expect.arrayContaining(['-c:a', 'aac', '-b:a', '160k']));
  });
});
