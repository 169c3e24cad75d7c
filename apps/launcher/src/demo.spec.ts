import { VideoRequestSchema } from '@vidflow/contracts';
import { buildDemoBackgroundArgs, toArgv } from '@vidflow/media';
import { DEMO_BACKGROUND } from './demo-background';
import { demoRequest } from './demo';

describe('the demo video', () => {
  it('is a valid request on the offline defaults: word-highlight captions, a Ken Burns image background, cross-fades', () => {
    const request = VideoRequestSchema.parse(demoRequest(DEMO_BACKGROUND));
    expect(request.llm.provider).toBe('offline');
    expect(request.voice.provider).toBe('espeak');
    expect(request.render.captions).toMatchObject({ enabled: true });
    expect(request.render.captions.preset ?? 'bold').toBe('bold');
    expect(request.render.background).toEqual({ image: 'vidflow-demo/deep-sea.jpg', motion: 'kenburns' });
    expect(request.render.transition).toEqual({ type: 'fade', seconds: 0.4 });
  });

  it('draws its background with one ffmpeg run of a lavfi colour through geq, grain and blur into a single JPEG', () => {
    const argv = toArgv(buildDemoBackgroundArgs({ output: '/m/bg.jpg', width: 1080, height: 1920 }));
    expect(argv.slice(0, 6)).toEqual(['-hide_banner', '-y', '-f', 'lavfi', '-i', 'color=c=black:s=1080x1920']);
    const filter = argv[argv.indexOf('-vf') + 1]!;
    expect(filter).toMatch(/^format=rgb24,geq=r='4\+18\*\(1-Y\/H\)\+30\*.*':g='20\+95\*pow\(\(1-Y\/H\)\\,1\.5\)\+60\*.*':b='45\+120\*pow\(\(1-Y\/H\)\\,1\.2\)\+60\*.*',noise=alls=6:allf=t,gblur=sigma=2$/);
    // The rays fan out from a point above the top centre.
    expect(filter).toContain('atan2(X-540\\,Y+307)*9');
    expect(argv.slice(argv.indexOf('-frames:v'))).toEqual(['-frames:v', '1', '-update', '1', '-f', 'image2', '-c:v', 'mjpeg', '-q:v', '3', '/m/bg.jpg']);
  });
});
