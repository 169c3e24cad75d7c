import type { NestExpressApplication } from '@nestjs/platform-express';
import { loadConfig } from '@vidflow/config';
import { transcriptionFilePath } from '@vidflow/contracts';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { runCli } from '../apps/cli/src/run-cli';
import { captureIo } from '../apps/cli/src/testing/capture-io';
import { createAppWithTemporal, fakeTemporal } from './support/fake-temporal';

const KEY = 'cli-key';

/**
 * `vidflow transcribe FILE` against the real API in this process (tus uploads to its DATA_DIR, transcription
 * routes, file downloads); only Temporal is a fake, which completes each run with files it writes itself.
 */
describe('vidflow transcribe', () => {
  let dataDir: string;
  let work: string;
  let app: NestExpressApplication;
  let server: Server;
  let base: string;
  let temporal: ReturnType<typeof fakeTemporal>;
  let uploadRequests: string[];

  beforeEach(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'vidflow-cli-trn-'));
    work = mkdtempSync(join(tmpdir(), 'vidflow-cli-work-'));
    const config = loadConfig({ DATA_DIR: dataDir, TEMPORAL_ADDRESS: '127.0.0.1:1', API_KEYS: KEY });
    temporal = fakeTemporal({
      onStart: (id, run) => {
        // The worker's part, done at once: files at the contract's paths, a completed run.
        const files: Record<string, string> = {};
        for (const format of run.input.request.formats) {
          const rel = transcriptionFilePath(id, format);
          mkdirSync(dirname(join(dataDir, rel)), { recursive: true });
          writeFileSync(join(dataDir, rel), `${format} of ${run.input.media.path}\n`);
          files[format] = rel;
        }
        run.status = 'COMPLETED';
        run.progress = { stage: 'done', progress: 1, chunks: { done: 4, total: 4, cacheHits: 0 }, result: { language: 'en', durationSeconds: 12.5, engine: 'fake', files } };
      },
    });
    app = await createAppWithTemporal(config, temporal.client);
    uploadRequests = [];
    server = app.getHttpServer() as Server;
    server.on('request', (req: { method?: string; url?: string }) => {
      if (req.url?.startsWith('/api/uploads')) uploadRequests.push(`${req.method}`);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterEach(async () => {
    await app.close();
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(work, { recursive: true, force: true });
  });

  const io = () => captureIo({ cwd: work });

  it('uploads in chunks with progress, transcribes, follows and saves every format', async () => {
    const data = randomBytes(2.5 * 1024 * 1024);
    writeFileSync(join(work, 'talk.mp4'), data);
    const out = io();
    const code = await runCli({ argv: ['transcribe', 'talk.mp4', '--chunk-mb', '1', '--formats', 'srt,vtt,txt'], env: { VIDFLOW_API_URL: base, VIDFLOW_API_KEY: KEY }, io: out });
    expect(out.err()).toBe('');
    expect(code).toBe(0);

    // One creation and three PATCHes of at most 1 MiB; the server holds the exact bytes.
    expect(uploadRequests).toEqual(['POST', 'PATCH', 'PATCH', 'PATCH']);
    const [run] = [...temporal.runs.values()];
    expect(run!.input.media.path).toMatch(/^uploads\/upl-[0-9a-f]{32}$/);
    expect(readFileSync(join(dataDir, run!.input.media.path!)).equals(data)).toBe(true);
    expect(run!.input.request.formats).toEqual(['srt', 'vtt', 'txt']);

    const lines = out.out().split('\n');
    expect(lines.filter((l) => l.startsWith('upload ')).at(-1)).toMatch(/\[#{30}\] 100%/);
    expect(out.out()).toMatch(/uploaded talk\.mp4 as upl-/);
    expect(readdirSync(work).sort()).toEqual(['talk.mp4', 'talk.srt', 'talk.txt', 'talk.vtt']);
    expect(readFileSync(join(work, 'talk.srt'), 'utf8')).toBe(`srt of ${run!.input.media.path}\n`);
  });

  it('refuses an impossible request before uploading where it can, else with the server\'s reason; 401 without the key', async () => {
    writeFileSync(join(work, 'talk.mp4'), randomBytes(1000));
    const german = io();
    // Known before a byte is sent: the offline provider is English only.
    expect(await runCli({ argv: ['transcribe', 'talk.mp4', '--language', 'de'], env: { VIDFLOW_API_URL: base, VIDFLOW_API_KEY: KEY }, io: german })).toBe(2);
    expect(german.err()).toMatch(/--language: .*English only/);
    expect(uploadRequests).toEqual([]);
    // Known to the server only: no openai provider configured there.
    const openai = io();
    expect(await runCli({ argv: ['transcribe', 'talk.mp4', '--provider', 'openai'], env: { VIDFLOW_API_URL: base, VIDFLOW_API_KEY: KEY }, io: openai })).toBe(1);
    expect(openai.err()).toMatch(/provider\.name/);
    expect(temporal.runs.size).toBe(0);

    const anonymous = io();
    expect(await runCli({ argv: ['transcribe', 'talk.mp4'], env: { VIDFLOW_API_URL: base }, io: anonymous })).toBe(1);
    expect(anonymous.err()).toMatch(/upload refused \(401\)/);
  });

  it('says what is wrong with the command line', async () => {
    const missing = io();
    expect(await runCli({ argv: ['transcribe', 'nope.mp4'], env: { VIDFLOW_API_URL: base }, io: missing })).toBe(2);
    expect(missing.err()).toMatch(/nope\.mp4 is not a file/);
    writeFileSync(join(work, 'talk.mp4'), 'x');
    const formats = io();
    expect(await runCli({ argv: ['transcribe', 'talk.mp4', '--formats', 'srt,doc'], env: { VIDFLOW_API_URL: base }, io: formats })).toBe(2);
    expect(formats.err()).toMatch(/unknown doc/);
  });
});
