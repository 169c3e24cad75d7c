import { loadConfig } from '@vidflow/config';
import { VOICE_CATALOG_FILE, VideoRequestSchema, type VoiceCatalog } from '@vidflow/contracts';
import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { policyAvailability, requestPolicyIssues } from '../common/request-policy';
import { VoicesService, VoicesUnpublishedError } from './voices.service';

describe('VoicesService (the catalog the workers publish in DATA_DIR)', () => {
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
    voices = new VoicesService(loadConfig({ DATA_DIR: dir }, dir));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('answers 503 until a worker has published, then the catalog; a new file is read again', () => {
    expect(() => voices.list()).toThrow(VoicesUnpublishedError);
    publish(catalog(['en']), 1000);
    expect(voices.list()).toEqual(catalog(['en']));
    publish(catalog(['en', 'de']), 2000);
    expect(voices.list().providers[0]!.voices.map((v) => v.id)).toEqual(['en', 'de']);
  });

  it('treats a malformed file as not published (never a 500)', () => {
    publish({ providers: 'no' }, 1000);
    expect(voices.current()).toBeUndefined();
    expect(() => voices.list()).toThrow(VoicesUnpublishedError);
  });

  it('lets the request policy refuse an unknown voice.name once voices are known', () => {
    const config = loadConfig({ DATA_DIR: dir }, dir);
    const request = VideoRequestSchema.parse({ script: 'Hi.', voice: { name: 'zz-nope' } });
    expect(requestPolicyIssues(request, policyAvailability(config, voices.current()))).toEqual([]);
    publish(catalog(['en', 'en-us']), 1000);
    expect(requestPolicyIssues(request, policyAvailability(config, voices.current())).map((i) => i.field)).toEqual(['voice.name']);
  });
});
