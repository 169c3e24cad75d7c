import { MockActivityEnvironment } from '@temporalio/testing';
import { setTimeout as sleep } from 'node:timers/promises';
import { keepAliveHeartbeatInterceptors } from './keep-alive-heartbeat.interceptor';

describe('keep-alive heartbeat interceptor', () => {
  const run = (isLocal: boolean, ms: number) => {
    const env = new MockActivityEnvironment({ activityType: 'synthesizeScene', isLocal }, { interceptors: [keepAliveHeartbeatInterceptors(20)] });
    let beats = 0;
    env.on('heartbeat', () => beats++);
    return { env, beats: () => beats, result: env.run(async () => (await sleep(ms), 'spoken')) };
  };

  it('heartbeats at once and then on its interval while the activity runs, and stops when it ends', async () => {
    const { result, beats } = run(false, 150);
    expect(await result).toBe('spoken');
    const atEnd = beats();
    expect(atEnd).toBeGreaterThanOrEqual(2);
    await sleep(100);
    expect(beats()).toBe(atEnd);
  });

  it('leaves local activities alone (they cannot heartbeat)', async () => {
    const { result, beats } = run(true, 80);
    expect(await result).toBe('spoken');
    expect(beats()).toBe(0);
  });
});
