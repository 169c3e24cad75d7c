import { describeIssues } from './validation';
import { TranscriptionRequestSchema } from './transcription-request.schema';
import { sttLanguageProblem, transcriptionProgress } from './transcription-status';
import { transcriptionFilePath } from './transcription-workflow-api';

function issuesOf(body: unknown) {
  const result = TranscriptionRequestSchema.safeParse(body);
  if (result.success) throw new Error(`expected ${JSON.stringify(body)} to be rejected`);
  return describeIssues(result.error);
}
function fieldsOf(body: unknown): string[] {
  const result = TranscriptionRequestSchema.safeParse(body);
  return result.success ? [] : describeIssues(result.error).map((i) => i.field);
}

describe('TranscriptionRequestSchema', () => {
  it('fills every default from a bare source', () => {
    expect(TranscriptionRequestSchema.parse({ source: { upload: 'a1b2c3' } })).toEqual({
      source: { upload: 'a1b2c3' },
      language: 'en',
      provider: { name: 'offline' },
      maxChunkSeconds: 30,
      formats: ['srt', 'vtt', 'json', 'txt'],
      burnIn: { enabled: false, captions: { enabled: true, preset: 'bold' } },
      cache: { mode: 'use' },
    });
  });

  it.each([
    [{ upload: 'f3a9c0d1e2' }],
    [{ media: 'med_01' }],
    [{ video: 'vid-2026-abc' }],
    [{ url: 'https://example.com/talk.mp4' }],
    [{ url: 'http://127.0.0.1:8080/a.wav' }],
  ])('accepts source %j', (source) => {
    expect(fieldsOf({ source })).toEqual([]);
  });

  it('requires a source', () => {
    expect(fieldsOf({})).toEqual(['source']);
  });

  it.each([
    [{ upload: '../etc/passwd' }],
    [{ upload: '' }],
    [{ media: 'a/b' }],
    [{ video: 'abc' }],
    [{ upload: 'a', media: 'b' }],
    [{ file: '/tmp/x.mp4' }],
  ])('rejects source %j on the source field', (source) => {
    const fields = fieldsOf({ source });
    expect(fields.length).toBeGreaterThan(0);
    expect(fields.every((f) => f.startsWith('source'))).toBe(true);
  });

  it.each([
    ['ftp://example.com/a.mp4', 'only http and https URLs are accepted'],
    ['https://user:pw@example.com/a.mp4', 'must not contain credentials (user:password@)'],
    ['https://example.com/a b.mp4', 'must not contain spaces or control characters (percent-encode them)'],
    ['http:/example.com/a.mp4', 'must be an absolute URL such as https://example.com/background.png'],
  ])('applies the media URL rules to source.url %j', (url, message) => {
    const issues = issuesOf({ source: { url } });
    expect(issues).toContainEqual({ field: 'source.url', message });
  });

  it('applies the same URL rules to callbackUrl', () => {
    expect(issuesOf({ source: { upload: 'x' }, callbackUrl: 'ftp://example.com/hook' })).toEqual([
      { field: 'callbackUrl', message: 'only http and https URLs are accepted' },
    ]);
  });

  it.each([
    [{ maxChunkSeconds: 4 }, 'maxChunkSeconds'],
    [{ maxChunkSeconds: 601 }, 'maxChunkSeconds'],
    [{ maxChunkSeconds: 12.5 }, 'maxChunkSeconds'],
    [{ formats: [] }, 'formats'],
    [{ formats: ['srt', 'srt'] }, 'formats'],
    [{ formats: ['docx'] }, 'formats.0'],
    [{ language: 'english please' }, 'language'],
    [{ provider: { name: 'vosk' } }, 'provider.name'],
    [{ provider: { name: 'openai', model: '-rf' } }, 'provider.model'],
    [{ burnIn: { enabled: 'yes' } }, 'burnIn.enabled'],
    [{ burnIn: { enabled: true, captions: { enabled: true, colour: 'red' } } }, 'burnIn.captions.colour'],
    [{ cache: { mode: 'sometimes' } }, 'cache.mode'],
    [{ speed: 2 }, 'speed'],
  ])('rejects %j naming %s', (extra, field) => {
    expect(fieldsOf({ source: { upload: 'x' }, ...extra })).toEqual([field]);
  });

  it('keeps what a client gives', () => {
    const parsed = TranscriptionRequestSchema.parse({
      source: { video: 'vid-1' },
      language: 'pt-BR',
      provider: { name: 'openai', model: 'Systran/faster-whisper-small' },
      maxChunkSeconds: 120,
      formats: ['vtt'],
      burnIn: { enabled: true },
      cache: { mode: 'bypass' },
    });
    expect(parsed).toMatchObject({
      language: 'pt-BR',
      provider: { name: 'openai', model: 'Systran/faster-whisper-small' },
      maxChunkSeconds: 120,
      formats: ['vtt'],
      burnIn: { enabled: true, captions: { enabled: true, preset: 'bold' } },
      cache: { mode: 'bypass' },
    });
  });
});

describe('sttLanguageProblem', () => {
  it.each(['en', 'en-US', 'EN-gb'])('lets the offline provider take English (%s)', (language) => {
    expect(sttLanguageProblem('offline', language)).toBeUndefined();
  });
  it.each(['de', 'eng', 'pt-BR'])('refuses %s for the offline provider, pointing at openai', (language) => {
    expect(sttLanguageProblem('offline', language)).toContain('English only');
    expect(sttLanguageProblem('offline', language)).toContain(`"${language}"`);
  });
  it('lets the openai provider take any language', () => {
    expect(sttLanguageProblem('openai', 'de')).toBeUndefined();
  });
});

describe('transcriptionProgress', () => {
  const chunks = (done: number, total: number) => ({ done, total, cacheHits: 0 });
  it('grows through the stages and with the chunks done', () => {
    const seen = [
      transcriptionProgress({ stage: 'probe', chunks: chunks(0, 0), burnIn: true }),
      transcriptionProgress({ stage: 'split', chunks: chunks(0, 0), burnIn: true }),
      transcriptionProgress({ stage: 'transcribe', chunks: chunks(0, 4), burnIn: true }),
      transcriptionProgress({ stage: 'transcribe', chunks: chunks(2, 4), burnIn: true }),
      transcriptionProgress({ stage: 'merge', chunks: chunks(4, 4), burnIn: true }),
      transcriptionProgress({ stage: 'burn', chunks: chunks(4, 4), burnIn: true }),
      transcriptionProgress({ stage: 'done', chunks: chunks(4, 4), burnIn: true }),
    ];
    expect(seen).toEqual([0, 0.07, 0.1, 0.475, 0.85, 0.9, 1]);
  });
  it('spreads the burn-in share over the rest when there is no burn-in', () => {
    expect(transcriptionProgress({ stage: 'merge', chunks: chunks(4, 4), burnIn: false })).toBe(0.944);
  });
});

describe('transcriptionFilePath', () => {
  it('puts every file under transcriptions/<id>/', () => {
    expect(transcriptionFilePath('trn-1', 'srt')).toBe('transcriptions/trn-1/subtitles.srt');
    expect(transcriptionFilePath('trn-1', 'video')).toBe('transcriptions/trn-1/video.mp4');
  });
});
