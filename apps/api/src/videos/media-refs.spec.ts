import { VideoRequestSchema, type VideoRequestInput } from '@vidflow/contracts';
import { requestPolicyIssues } from '../common/request-policy';

/** What the API decides about media references from their text alone (the worker checks the rest). */
describe('requestPolicyIssues: media references', () => {
  const request = (body: Partial<VideoRequestInput>) => VideoRequestSchema.parse({ script: 'One scene.', ...body });
  const issues = (body: Partial<VideoRequestInput>, available: Parameters<typeof requestPolicyIssues>[1] = {}) =>
    requestPolicyIssues(request(body), available);

  it('accepts well-formed http(s) URLs in every media field', () => {
    expect(
      issues({
        script: undefined,
        scenes: [{ text: 'A.', background: { video: 'https://cdn.example.com/clip.mp4?sig=abc' } }, { text: 'B.', background: { image: 'http://example.com/b.png' } }],
        render: { background: { image: 'https://example.com/a.png' }, music: { source: 'https://example.com/music.mp3' } },
      }),
    ).toEqual([]);
  });

  it.each([
    ['render.background.image', { render: { background: { image: 'ftp://example.com/a.png' } } }, 'must be an http(s) URL, media:<id> or a path under MEDIA_DIR'],
    ['render.background.video', { render: { background: { video: 'file:///etc/passwd' } } }, 'must be an http(s) URL, media:<id> or a path under MEDIA_DIR'],
    ['render.music.source', { render: { music: { source: 'https://user:pw@example.com/a.mp3' } } }, 'must not contain credentials (user:password@)'],
    ['render.background.image', { render: { background: { image: 'https:/example.com/a.png' } } }, 'must be an absolute URL such as https://example.com/background.png'],
    ['render.background.image', { render: { background: { image: 'https://exa mple.com/a.png' } } }, 'must not contain spaces or control characters (percent-encode them)'],
    ['scenes.0.background.image', { script: undefined, scenes: [{ text: 'A.', background: { image: 'http://' } }] }, 'must be an absolute URL'],
  ])('refuses a malformed URL in %s with 422 naming it', (field, body, message) => {
    expect(issues(body)).toEqual([{ field, message: expect.stringContaining(message) }]);
  });

  it('refuses a literal private IP early only when private URLs are known to be off', () => {
    const body = { render: { background: { image: 'http://169.254.169.254/latest/meta-data/' } } };
    expect(issues(body, { privateMediaUrls: false })).toEqual([
      {
        field: 'render.background.image',
        message: '169.254.169.254 is a link-local address; media URLs must point at public hosts (MEDIA_ALLOW_PRIVATE_URLS=true allows private addresses)',
      },
    ]);
    expect(issues(body, { privateMediaUrls: true })).toEqual([]);
    // Unknown (a caller that does not pass the setting): left to the worker, which refuses it when it connects.
    expect(issues(body)).toEqual([]);
    // Host names are never resolved by the API.
    expect(issues({ render: { background: { image: 'http://localhost:8080/a.png' } } }, { privateMediaUrls: false })).toEqual([]);
  });
});
