import { VideoRequestSchema } from '@vidflow/contracts';
import { requestPolicyIssues } from '../common/request-policy';

/** callbackUrl: its form in the schema (400), its address by the deployment's WEBHOOK_ALLOW_PRIVATE_URLS (422). */
describe('callbackUrl rules', () => {
  const parse = (callbackUrl: string) => VideoRequestSchema.safeParse({ script: 'One scene.', callbackUrl });

  it('accepts http(s) URLs and refuses other schemes, credentials and relative URLs, naming the field', () => {
    expect(parse('https://hooks.example.com/vidflow?token=abc').success).toBe(true);
    for (const bad of ['ftp://example.com/hook', 'https://user:pw@example.com/hook', '/hooks/local', '']) {
      const result = parse(bad);
      expect(result.success).toBe(false);
      expect(result.error!.issues[0]!.path).toEqual(['callbackUrl']);
    }
  });

  it('refuses a literal private address unless private callback URLs are allowed; host names are left to the worker', () => {
    const request = (callbackUrl: string) => VideoRequestSchema.parse({ script: 'One scene.', callbackUrl });
    expect(requestPolicyIssues(request('http://10.1.2.3/hook'), { privateCallbackUrls: false })).toEqual([
      { field: 'callbackUrl', message: expect.stringMatching(/^10\.1\.2\.3 is .*WEBHOOK_ALLOW_PRIVATE_URLS=true/) },
    ]);
    expect(requestPolicyIssues(request('http://[::1]:8080/hook'), { privateCallbackUrls: false })).toHaveLength(1);
    expect(requestPolicyIssues(request('http://10.1.2.3/hook'), { privateCallbackUrls: true })).toEqual([]);
    expect(requestPolicyIssues(request('https://hooks.internal/hook'), { privateCallbackUrls: false })).toEqual([]);
  });
});
