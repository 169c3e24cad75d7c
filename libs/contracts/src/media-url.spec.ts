import { isHttpUrl, looksLikeUrl, parseMediaUrl, redactUrl } from './media-url';

describe('parseMediaUrl', () => {
  it.each([
    'https://cdn.example.com/backgrounds/sky.png',
    'http://example.com:8080/a.mp4?sig=abc#t=1',
    'HTTPS://Example.COM/Music.mp3',
    'https://[2606:4700:4700::1111]/a.png',
    'https://8.8.8.8/a.png',
  ])('accepts %s', (ref) => {
    const parsed = parseMediaUrl(ref);
    expect(parsed.problem).toBeUndefined();
    expect(parsed.url).toBeInstanceOf(URL);
  });

  it.each([
    ['ftp://example.com/a.png', 'only http and https URLs are accepted'],
    ['http:example.com/a.png', 'must be an absolute URL such as https://example.com/background.png'],
    ['http:/example.com/a.png', 'must be an absolute URL'],
    ['https:///a.png', 'must be an absolute URL'],
    ['https://user:secret@example.com/a.png', 'must not contain credentials (user:password@)'],
    ['https://user@example.com/a.png', 'must not contain credentials'],
    ['https://example.com/a b.png', 'must not contain spaces or control characters'],
    ['https://exa\tmple.com/a.png', 'must not contain spaces or control characters'],
    ['https://example.com:99999/a.png', 'is not a valid URL'],
    [`https://example.com/${'a'.repeat(2048)}`, 'must be at most 2048 characters'],
    ['http://127.0.0.1:8080/a.png', '127.0.0.1 is a loopback address; media URLs must point at public hosts (MEDIA_ALLOW_PRIVATE_URLS=true allows private addresses)'],
    ['http://169.254.169.254/latest/meta-data/', '169.254.169.254 is a link-local address'],
    ['http://[::1]/a.png', '[::1] is a loopback address'],
    ['http://[::ffff:10.0.0.1]/a.png', 'is a private address'],
    ['http://0x7f.1/a.png', '127.0.0.1 is a loopback address'], // the WHATWG parser normalises the host first
    ['http://2130706433/a.png', '127.0.0.1 is a loopback address'],
    ['http://0.0.0.0:3000/', '0.0.0.0 is an unspecified address'],
  ])('refuses %s: %s', (ref, message) => {
    expect(parseMediaUrl(ref).problem).toContain(message);
  });

  it('lets private literal addresses through when allowed, and never credentials or other schemes', () => {
    expect(parseMediaUrl('http://127.0.0.1:8080/a.png', { allowPrivate: true }).problem).toBeUndefined();
    expect(parseMediaUrl('http://10.1.2.3/a.png', { allowPrivate: true }).problem).toBeUndefined();
    expect(parseMediaUrl('http://u:p@127.0.0.1/a.png', { allowPrivate: true }).problem).toContain('credentials');
    expect(parseMediaUrl('file:///etc/passwd', { allowPrivate: true }).problem).toContain('only http and https');
  });

  it('leaves host names to the worker (it checks the addresses they resolve to when it connects)', () => {
    expect(parseMediaUrl('http://localhost/a.png').problem).toBeUndefined();
    expect(parseMediaUrl('http://metadata.google.internal/a.png').problem).toBeUndefined();
  });
});

describe('looksLikeUrl / isHttpUrl', () => {
  it('tells URLs from paths', () => {
    expect(looksLikeUrl('https://a/b')).toBe(true);
    expect(looksLikeUrl('file:///etc/passwd')).toBe(true);
    expect(looksLikeUrl('bg/sky.png')).toBe(false);
    expect(looksLikeUrl('/abs/sky.png')).toBe(false);
    expect(isHttpUrl('HTTP://a/b')).toBe(true);
    expect(isHttpUrl('ftp://a/b')).toBe(false);
  });
});

describe('redactUrl', () => {
  it('drops credentials, the fragment, and the query string behind ?…', () => {
    expect(redactUrl('https://cdn.example.com/a.png?X-Amz-Signature=secret#frag')).toBe('https://cdn.example.com/a.png?…');
    expect(redactUrl('https://user:pw@example.com:8443/a.png')).toBe('https://example.com:8443/a.png');
    expect(redactUrl(new URL('http://example.com/a.png'))).toBe('http://example.com/a.png');
  });

  it('redacts what it cannot parse too', () => {
    expect(redactUrl('https://user:pw@exa mple.com/a.png?token=secret')).toBe('https://exa mple.com/a.png?…');
  });
});
