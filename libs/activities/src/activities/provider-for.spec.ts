import { ApplicationFailure } from '@temporalio/common';
import { ErrorTypes } from '@vidflow/contracts';
import { providerFor } from './provider-for';

describe('providerFor', () => {
  const providers = { offline: 'espeak', openai: 'tts-1' };

  it('returns the adapter the request names', () => {
    expect(providerFor({ providers, name: 'openai', field: 'voice.provider' })).toBe('tts-1');
  });

  it.each(['elevenlabs', 'toString', '__proto__'])('fails "%s" for good, naming the field', (name) => {
    let failure: unknown;
    try {
      providerFor({ providers, name, field: 'voice.provider' });
    } catch (error) {
      failure = error;
    }
    expect(failure).toBeInstanceOf(ApplicationFailure);
    expect(failure).toMatchObject({
      type: ErrorTypes.BadInput,
      nonRetryable: true,
      message: `voice.provider "${name}" is not configured on this worker`,
    });
  });
});
