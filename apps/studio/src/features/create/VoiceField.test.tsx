import { act, cleanup, render } from '@testing-library/preact';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

const get = vi.fn();
vi.mock('../../lib/api', () => ({
  client: { GET: (...args: unknown[]) => get(...args) },
  unwrap: async (call: Promise<{ data?: unknown; error?: unknown }>) => {
    const { data, error } = await call;
    if (error) throw new Error('HTTP error');
    return data;
  },
}));

const { VoiceField } = await import('./VoiceField');

/** Moves the fake clock on and lets the component's promises and renders settle. */
const advance = (ms: number) =>
  act(async () => {
    await vi.advanceTimersByTimeAsync(ms);
  });

const catalog = { publishedAt: '2026-12-04T00:00:00.000Z', providers: [{ name: 'flite', complete: true, voices: [{ id: 'slt', language: 'en-US', description: 'US female' }] }] };

describe('VoiceField', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => {
    cleanup();
    vi.useRealTimers();
    get.mockReset();
  });

  it('asks again every 5 s while no worker has published its voices (503), then offers them', async () => {
    get.mockResolvedValueOnce({ error: { code: 'VOICES_UNAVAILABLE' } }).mockResolvedValueOnce({ error: { code: 'VOICES_UNAVAILABLE' } }).mockResolvedValue({ data: catalog });
    const view = render(<VoiceField language="en" provider="espeak" name="" onChange={() => undefined} />);
    await advance(0);
    expect(get).toHaveBeenCalledTimes(1);
    expect(view.container.querySelector('optgroup')).toBeNull();
    await advance(5000);
    expect(get).toHaveBeenCalledTimes(2);
    await advance(5000);
    expect(get).toHaveBeenCalledTimes(3);
    expect(view.container.querySelector('optgroup[label="flite"] option')?.getAttribute('value')).toBe('flite:slt');
    // Known: no more asking.
    await advance(20_000);
    expect(get).toHaveBeenCalledTimes(3);
  });

  it('stops asking once it is gone', async () => {
    get.mockResolvedValue({ error: { code: 'VOICES_UNAVAILABLE' } });
    const view = render(<VoiceField language="en" provider="espeak" name="" onChange={() => undefined} />);
    await advance(0);
    view.unmount();
    await advance(30_000);
    expect(get).toHaveBeenCalledTimes(1);
  });
});
