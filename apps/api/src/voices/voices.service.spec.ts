import { LocalObjectStore, type ObjectStore } from '@vidflow/activities/object-store';
import { loadConfig } from '@vidflow/config';
import { VOICE_CATALOG_FILE, VideoRequestSchema, type VoiceCatalog } from '@vidflow/contracts';
import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { policyAvailability, requestPolicyIssues } from '../common/request-policy';
import { VoicesService, VoicesUnpublishedError } from './voices.service';

describe('VoicesService (the catalog the workers publish in the artifact store)', () => {
  let dir: string;
  let voices: VoicesService;
  const catalog = (ids: string[]): VoiceCatalog => ({
    publishedAt: '2026-12-02T00:00:00.000Z',
    providers: [{ name: 'espeak', complete: true, voices: ids.map((id) => ({ id, language: id, description: id })) }],
  });
  const publish = (c: unknown, mtime: number) => {
    const path = join(dir, VOICE_CATALOG_FILE);
    writeFileSync(path, JSON.stringify(c));
    utimesSync(path, mtime, mtime);
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'vidflow-voices-'));
    voices = new VoicesService(new LocalObjectStore(dir));
    voices.freshMs = 0;
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('answers 503 until a worker has published, then the catalog; a new file is read again', async () => {
    await expect(voices.list()).rejects.toThrow(VoicesUnpublishedError);
    publish(catalog(['en']), 1000);
    await expect(voices.list()).resolves.toEqual(catalog(['en']));
    publish(catalog(['en', 'de']), 2000);
    expect((await voices.list()).providers[0]!.voices.map((v) => v.id)).toEqual(['en', 'de']);
  });

  it('treats a malformed file as not published (never a 500)', async () => {
    publish({ providers: 'no' }, 1000);
    await voices.refresh();
    expect(voices.current()).toBeUndefined();
    await expect(voices.list()).rejects.toThrow(VoicesUnpublishedError);
  });

  it('lets the request policy refuse an unknown voice.name once voices are known', async () => {
    const config = loadConfig({ DATA_DIR: dir }, dir);
    const request = VideoRequestSchema.parse({ script: 'Hi.', voice: { name: 'zz-nope' } });
    await voices.refresh();
    expect(requestPolicyIssues(request, policyAvailability(config, voices.current()))).toEqual([]);
    publish(catalog(['en', 'en-us']), 1000);
    await voices.refresh();
    expect(requestPolicyIssues(request, policyAvailability(config, voices.current())).map((i) => i.field)).toEqual(['voice.name']);
  });

  it('sees a catalog published right after it looked and found none, whatever freshMs says', async () => {
    const patient = new VoicesService(new LocalObjectStore(dir));
    await patient.refresh();
    await expect(patient.list()).rejects.toThrow(VoicesUnpublishedError);
    publish(catalog(['en']), 1000);
    await expect(patient.list()).resolves.toEqual(catalog(['en']));
  });

  it('within freshMs answers the list in memory; a store that stops answering keeps the last list read', async () => {
    publish(catalog(['en']), 1000);
    const objects = new LocalObjectStore(dir);
    let down = false;
    const flaky: ObjectStore = Object.assign(Object.create(objects) as ObjectStore, {
      stat: (key: string) => (down ? Promise.reject(new Error('bucket restarting')) : objects.stat(key)),
    });
    const cached = new VoicesService(flaky);
    await cached.refresh();
    publish(catalog(['en', 'de']), 2000);
    expect(cached.current()).toEqual(catalog(['en']));
    await cached.refresh();
    expect(cached.current()).toEqual(catalog(['en', 'de']));
    down = true;
    await cached.refresh();
    await expect(cached.list()).resolves.toEqual(catalog(['en', 'de']));
  });
});
