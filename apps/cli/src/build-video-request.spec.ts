import { buildVideoRequest } from './build-video-request';
import { parseArgs } from './parse-args';
import { requestOptionFlags } from './request-options';

const flags = {
  topic: { type: 'string', description: '' },
  script: { type: 'string', description: '' },
  'script-file': { type: 'string', description: '' },
  scenes: { type: 'string', description: '' },
  ...requestOptionFlags(),
} as const;
const files: Record<string, string> = {
  'story.txt': 'Octopuses have three hearts.\n',
  'scenes.json': '[{"text":"One","background":{"color":"#000000"}},"Two"]',
  'wrapped.json': '{"scenes":["Only"]}',
  'bad.json': '{',
};
const readText = (path: string) => {
  if (!(path in files)) throw new Error(`ENOENT: no such file, open '${path}'`);
  return files[path]!;
};
const build = (...argv: string[]) => buildVideoRequest(parseArgs({ argv, flags, command: 'create' }), readText);

describe('buildVideoRequest', () => {
  it('puts every option flag at its place in the request', () => {
    const body = build(
      ...['--topic', 'the deep sea', '--language', 'de', '--llm-provider', 'offline', '--llm-model', 'm1', '--style', 'calm'],
      ...['--target-seconds', '30', '--voice', 'de', '--voice-provider', 'espeak', '--speed', '1.25', '--aspect', '1:1'],
      ...['--height', '720', '--fps', '24', '--no-captions', '--background-color', '#223344', '--music', 'a.mp3'],
      ...['--music-volume', '0.2', '--cache-mode', 'refresh', '--cache-ttl', '60'],
    );
    expect(body).toEqual({
      topic: 'the deep sea',
      language: 'de',
      llm: { provider: 'offline', model: 'm1', style: 'calm', targetSeconds: 30 },
      voice: { name: 'de', provider: 'espeak', speed: 1.25 },
      render: {
        aspect: '1:1',
        height: 720,
        fps: 24,
        captions: { enabled: false },
        background: { color: '#223344' },
        music: { source: 'a.mp3', volume: 0.2 },
      },
      cache: { mode: 'refresh', ttlSeconds: 60 },
    });
  });

  it('sends only what was given, and leaves value checks to the API', () => {
    expect(build('--script', 'Hi.', '--background-color', 'red')).toEqual({ script: 'Hi.', render: { background: { color: 'red' } } });
    expect(build('--background-image', 'bg.png', '--topic', 't')).toEqual({ topic: 't', render: { background: { image: 'bg.png' } } });
    expect(build('--background-image', 'bg.png', '--motion', 'kenburns', '--fade', '0.5', '--topic', 't')).toEqual({
      topic: 't',
      render: { background: { image: 'bg.png', motion: 'kenburns' }, transition: { seconds: 0.5 } },
    });
  });

  it('reads --script-file and --scenes files', () => {
    expect(build('--script-file', 'story.txt')).toEqual({ script: 'Octopuses have three hearts.\n' });
    expect(build('--scenes', 'scenes.json')).toEqual({ scenes: [{ text: 'One', background: { color: '#000000' } }, { text: 'Two' }] });
    expect(build('--scenes', 'wrapped.json')).toEqual({ scenes: [{ text: 'Only' }] });
  });

  it('wants exactly one input and at most one background, naming the flags', () => {
    expect(() => build('--language', 'en')).toThrow('one of --topic, --script, --script-file or --scenes is required');
    expect(() => build('--topic', 'a', '--script', 'b')).toThrow('only one of --topic, --script, --script-file or --scenes is allowed, got --topic and --script');
    expect(() => build('--topic', 'a', '--background-color', '#000', '--background-video', 'v.mp4')).toThrow(
      'only one background is allowed, got --background-color and --background-video',
    );
  });

  it('names the flag of a file that cannot be read or parsed', () => {
    expect(() => build('--script-file', 'missing.txt')).toThrow("--script-file: cannot read missing.txt: ENOENT: no such file, open 'missing.txt'");
    expect(() => build('--scenes', 'bad.json')).toThrow(/^--scenes: bad\.json is not valid JSON/);
    expect(() => build('--scenes', 'story.txt')).toThrow(/^--scenes: story\.txt is not valid JSON/);
  });
});
