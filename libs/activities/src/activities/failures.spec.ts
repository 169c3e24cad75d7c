import { ApplicationFailure } from '@temporalio/common';
import { FfmpegError, ProbeError } from '@vidflow/media';
import { toFailure } from './failures';
import { SpeechError } from '../adapters/speech/speech-provider';

describe('toFailure', () => {
  it('keeps the retry decision of a SpeechError', () => {
    expect(toFailure(new SpeechError('no such voice', false, 'voice.name'))).toMatchObject({
      type: 'BadInput',
      nonRetryable: true,
      message: 'no such voice',
      details: [{ field: 'voice.name' }],
    });
    expect(toFailure(new SpeechError('rate limited', true))).toMatchObject({
      type: 'ProviderUnavailable',
      nonRetryable: false,
      details: undefined,
    });
  });

  it('makes ffmpeg and ffprobe errors retryable RenderFailed, keeping the message', () => {
    const ffmpeg = toFailure(new FfmpegError('ffmpeg failed: exit 1', 'Conversion failed!'));
    expect(ffmpeg).toBeInstanceOf(ApplicationFailure);
    expect(ffmpeg).toMatchObject({ type: 'RenderFailed', nonRetryable: false, message: 'ffmpeg failed: exit 1\nConversion failed!' });
    expect(toFailure(new ProbeError('/x.wav', 'Invalid data'))).toMatchObject({
      type: 'RenderFailed',
      nonRetryable: false,
      message: 'cannot read media /x.wav: Invalid data',
    });
  });

  it('passes ApplicationFailures and unknown errors through untouched', () => {
    const failure = ApplicationFailure.create({ type: 'X', nonRetryable: true });
    expect(toFailure(failure)).toBe(failure);
    const plain = new TypeError('bug');
    expect(toFailure(plain)).toBe(plain);
  });
});
