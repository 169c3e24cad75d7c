import type { RuntimeOptions } from '@temporalio/worker';
import pino from 'pino';
import { Writable } from 'node:stream';
import { installTemporalLogging } from './logging';

/** A pino logger writing JSON lines into an array. */
function captureLogger() {
  const lines: Array<{ level: number; msg: string }> = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(JSON.parse(chunk.toString()) as { level: number; msg: string });
      done();
    },
  });
  return { logger: pino({ level: 'info' }, stream), lines };
}

describe('installTemporalLogging', () => {
  it('installs no metrics exporter when the port is 0', () => {
    const installs: RuntimeOptions[] = [];
    installTemporalLogging(captureLogger().logger, { host: '127.0.0.1', port: 0 }, (o) => installs.push(o));
    expect(installs).toHaveLength(1);
    expect(installs[0]!.telemetryOptions).toBeUndefined();
    expect(installs[0]!.logger).toBeDefined();
  });

  it('binds the Temporal SDK Prometheus exporter on host:port (IPv6 in brackets)', () => {
    const installs: RuntimeOptions[] = [];
    installTemporalLogging(captureLogger().logger, { host: '0.0.0.0', port: 9465 }, (o) => installs.push(o));
    expect(installs[0]!.telemetryOptions).toEqual({ metrics: { prometheus: { bindAddress: '0.0.0.0:9465' } } });
    installTemporalLogging(captureLogger().logger, { host: '::', port: 9465 }, (o) => installs.push(o));
    expect(installs[1]!.telemetryOptions).toEqual({ metrics: { prometheus: { bindAddress: '[::]:9465' } } });
  });

  it('warns and installs without the exporter when its port is taken, instead of crashing', () => {
    const { logger, lines } = captureLogger();
    const installs: RuntimeOptions[] = [];
    installTemporalLogging(logger, { host: '127.0.0.1', port: 9465 }, (o) => {
      // What Runtime.install throws (SDK 1.24) when the address is taken.
      if (o.telemetryOptions) throw new Error('Failed to start prometheus metrics exporter: Address already in use (os error 98)');
      installs.push(o);
    });
    expect(installs).toHaveLength(1);
    expect(installs[0]!.telemetryOptions).toBeUndefined();
    const warning = lines.find((l) => l.level === 40);
    expect(warning?.msg).toContain('port 9465 on 127.0.0.1 is already in use');
    expect(warning?.msg).toContain('WORKER_TEMPORAL_METRICS_PORT');
  });

  it('does not hide other installation errors', () => {
    expect(() =>
      installTemporalLogging(captureLogger().logger, { host: '127.0.0.1', port: 9465 }, () => {
        throw new Error('Runtime singleton has already been installed');
      }),
    ).toThrow('already been installed');
  });
});
