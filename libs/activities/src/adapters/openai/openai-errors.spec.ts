import { ApplicationFailure } from '@temporalio/common';
import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';
import { toFailure } from '../../activities/failures';
import { ProviderError } from '../provider-error';
import { fromOpenAiError, retryAfterSeconds } from './openai-errors';

const apiError = (status: number, message: string, headers: Record<string, string> = {}) =>
  APIError.generate(status, { error: { message, type: 'invalid_request_error' } }, undefined, new Headers(headers));

describe('retryAfterSeconds', () => {
  const now = Date.parse('2026-11-22T03:00:00Z');
  it.each([
    [{ 'retry-after': '1' }, 1],
    [{ 'retry-after': ' 20 ' }, 20],
    [{ 'retry-after': '0.5' }, 0.5],
    [{ 'retry-after': 'Sun, 22 Nov 2026 03:00:42 GMT' }, 42],
    [{ 'retry-after': 'Sun, 22 Nov 2026 02:59:00 GMT' }, 0],
    [{ 'retry-after-ms': '1500', 'retry-after': '9' }, 1.5],
    [{ 'retry-after': '86400' }, 600],
    [{ 'retry-after': 'soon' }, undefined],
    [{}, undefined],
  ])('%j -> %s', (headers, seconds) => {
    expect(retryAfterSeconds(new Headers(headers), now)).toBe(seconds);
  });
});

describe('fromOpenAiError', () => {
  it('makes 429 retryable with its Retry-After', () => {
    expect(fromOpenAiError(apiError(429, 'slow down', { 'retry-after': '3' }), 'x')).toMatchObject({
      name: 'ProviderError',
      retryable: true,
      retryAfterSeconds: 3,
      status: 429,
      message: 'x was rate limited (429): slow down',
    });
  });

  it('makes a 429 for an exhausted quota non-retryable', () => {
    const err = APIError.generate(429, { error: { message: 'You exceeded your current quota', code: 'insufficient_quota' } }, undefined, new Headers());
    expect(fromOpenAiError(err, 'x')).toMatchObject({ retryable: false, status: 429, message: expect.stringContaining('You exceeded your current quota') });
  });

  it.each([408, 500, 502, 503, 504])('makes %i retryable', (status) => {
    expect(fromOpenAiError(apiError(status, 'oops'), 'x')).toMatchObject({ retryable: true, status });
  });

  it.each([400, 401, 403, 404, 409, 413, 422])("makes %i non-retryable with the provider's message", (status) => {
    const err = fromOpenAiError(apiError(status, 'you asked for something impossible'), 'OpenAI speech');
    expect(err).toMatchObject({ retryable: false, status, message: `OpenAI speech was rejected (${status}): you asked for something impossible` });
  });

  it('makes connection errors and timeouts retryable', () => {
    expect(fromOpenAiError(new APIConnectionError({ message: 'Connection error.' }), 'x')).toMatchObject({ retryable: true, status: undefined });
    expect(fromOpenAiError(new APIConnectionTimeoutError(), 'x')).toMatchObject({ retryable: true, message: 'x failed: Request timed out.' });
  });

  it('passes cancellation and foreign errors through', () => {
    const abort = new APIUserAbortError();
    expect(fromOpenAiError(abort, 'x')).toBe(abort);
    const bug = new TypeError('bug');
    expect(fromOpenAiError(bug, 'x')).toBe(bug);
  });
});

describe('toFailure(ProviderError)', () => {
  it('makes a retryable ProviderUnavailable whose next retry waits for Retry-After', () => {
    const failure = toFailure(fromOpenAiError(apiError(429, 'slow down', { 'retry-after': '2' }), 'OpenAI chat model m'));
    expect(failure).toBeInstanceOf(ApplicationFailure);
    expect(failure).toMatchObject({
      type: 'ProviderUnavailable',
      nonRetryable: false,
      nextRetryDelay: 2000,
      message: 'OpenAI chat model m was rate limited (429): slow down',
      details: [{ status: 429 }],
    });
  });

  it('leaves the backoff to the retry policy without Retry-After', () => {
    expect(toFailure(new ProviderError('down', { retryable: true, status: 500 }))).toMatchObject({
      type: 'ProviderUnavailable',
      nonRetryable: false,
      nextRetryDelay: undefined,
    });
  });

  it("makes a non-retryable ProviderRejected carrying the provider's message", () => {
    const failure = toFailure(fromOpenAiError(apiError(400, "Invalid value: 'robot'"), 'OpenAI speech'));
    expect(failure).toMatchObject({
      type: 'ProviderRejected',
      nonRetryable: true,
      message: "OpenAI speech was rejected (400): Invalid value: 'robot'",
      nextRetryDelay: undefined,
    });
  });
});
