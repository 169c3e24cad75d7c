import { apiErrorFromResponse, formatApiError } from './format-api-error';

describe('apiErrorFromResponse / formatApiError', () => {
  it("prints the contract's message and each detail as field: message", () => {
    const body = {
      error: {
        code: 'VALIDATION_FAILED',
        message: 'the request is invalid',
        details: [
          { field: 'render.fps', message: 'Too big: expected number to be <=60' },
          { field: 'voice.name', message: 'must be 1-64 letters' },
        ],
        requestId: 'r-1',
      },
    };
    const e = apiErrorFromResponse(400, 'Bad Request', JSON.stringify(body));
    expect(e).toMatchObject({ status: 400, code: 'VALIDATION_FAILED', body });
    expect(formatApiError(e)).toBe(
      'error: the request is invalid\n  render.fps: Too big: expected number to be <=60\n  voice.name: must be 1-64 letters',
    );
  });

  it('does not repeat a detail that is the message itself', () => {
    const body = { error: { code: 'VALIDATION_FAILED', message: 'cron: bad', details: [{ field: 'cron', message: 'bad' }] } };
    expect(formatApiError(apiErrorFromResponse(400, '', JSON.stringify(body)))).toBe('error: cron: bad');
  });

  it('names the HTTP status when the body is not the error envelope', () => {
    expect(formatApiError(apiErrorFromResponse(502, 'Bad Gateway', '<html>upstream down</html>'))).toBe(
      'error: HTTP 502 Bad Gateway: <html>upstream down</html>',
    );
    expect(apiErrorFromResponse(500, '', '').message).toBe('HTTP 500');
  });
});
