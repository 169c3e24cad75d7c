import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildAssSubtitles } from './build-ass-subtitles';
import { escapeFilterValue } from './escape-filter-value';

describe('escapeFilterValue', () => {
  it('leaves an ordinary path alone', () => {
    expect(escapeFilterValue('/data/tmp/vid-1/captions.ass')).toBe('/data/tmp/vid-1/captions.ass');
  });

  // Expected values follow the two-level example in ffmpeg-filters(1), "Notes on filtergraph escaping":
  // the option parser's specials (\ ' :) are escaped first, then the graph parser's (\ ' [ ] , ;).
  it.each([
    ['a:b', String.raw`a\\:b`],
    ["it's", String.raw`it\\\'s`],
    ['a,b', String.raw`a\,b`],
    ['[in]', String.raw`\[in\]`],
    ['a;b', String.raw`a\;b`],
    [String.raw`C:\media`, String.raw`C\\:\\\\media`],
    ["/x/a:b,c'd[1];e\\f", String.raw`/x/a\\:b\,c\\\'d\[1\]\;e\\\\f`],
  ])('%j -> %j', (raw, escaped) => {
    expect(escapeFilterValue(raw)).toBe(escaped);
  });

  describe('with a real ffmpeg', () => {
    let dir: string;
    let subtitles: string;

    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), "vidflow esc:a,b'c[d];e "));
      subtitles = join(dir, "cap's.ass");
      writeFileSync(subtitles, buildAssSubtitles([{ start: 0, end: 0.2, text: 'hi' }], { width: 64, height: 64 }));
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    const burnIn = (filenameValue: string) =>
      spawnSync(
        'ffmpeg',
        ['-hide_banner', '-nostdin', '-v', 'error', '-f', 'lavfi', '-i', 'color=c=black:s=64x64:d=0.2', '-vf', `subtitles=filename=${filenameValue}`, '-f', 'null', '-'],
        { encoding: 'utf8' },
      );

    it('lets the subtitles filter open a file in a directory named with : , \' [ ] ;', () => {
      const result = burnIn(escapeFilterValue(subtitles));
      // Compared as one object so that a failure shows ffmpeg's complaint.
      expect({ status: result.status, stderr: result.stderr }).toEqual({ status: 0, stderr: expect.not.stringMatching(/unable to open|error/i) });
    });

    it('(control) the same path unescaped breaks the filter graph', () => {
      expect(burnIn(subtitles).status).not.toBe(0);
    });
  });
});
