import { VideoRequestSchema, type VideoRequestInput } from '@vidflow/contracts';
import { loadConfig } from '@vidflow/config';
import { policyAvailability, requestPolicyIssues } from './request-policy';

/** Each provider kind is judged by its own endpoint: a text server alone does not make voice "openai" possible. */
describe('requestPolicyIssues: OpenAI providers per kind', () => {
  const request = (body: Partial<VideoRequestInput>) => VideoRequestSchema.parse(body);
  const both = { topic: 'owls', llm: { provider: 'openai' as const }, voice: { provider: 'openai' as const } };
  const fields = (env: NodeJS.ProcessEnv) => requestPolicyIssues(request(both), policyAvailability(loadConfig(env, '/srv'))).map((i) => i.field);

  it('refuses both without any endpoint, naming the settings to give', () => {
    const issues = requestPolicyIssues(request(both), policyAvailability(loadConfig({}, '/srv')));
    expect(issues.map((i) => i.field)).toEqual(['llm.provider', 'voice.provider']);
    expect(issues[0]!.message).toContain('LLM_BASE_URL');
    expect(issues[1]!.message).toContain('TTS_BASE_URL');
    expect(issues[1]!.message).toContain('OPENAI_API_KEY');
  });

  it('judges each kind by its own endpoint, OPENAI_* serving both', () => {
    expect(fields({ LLM_BASE_URL: 'http://127.0.0.1:11434/v1' })).toEqual(['voice.provider']);
    expect(fields({ TTS_BASE_URL: 'http://127.0.0.1:8880/v1' })).toEqual(['llm.provider']);
    expect(fields({ OPENAI_API_KEY: 'sk-test' })).toEqual([]);
    expect(fields({ OPENAI_BASE_URL: 'http://127.0.0.1:11434/v1' })).toEqual([]);
  });
});

describe('requestPolicyIssues: visuals', () => {
  const issuesFor = (visuals: { provider: 'none' | 'pexels' | 'pixabay' | 'openai-images' }, env: NodeJS.ProcessEnv) =>
    requestPolicyIssues(VideoRequestSchema.parse({ topic: 'owls', visuals }), policyAvailability(loadConfig(env, '/srv')));

  it('refuses a provider whose key this server lacks, naming the field and the setting', () => {
    expect(issuesFor({ provider: 'pexels' }, {})).toEqual([{ field: 'visuals.provider', message: '"pexels" is not configured on this server (set PEXELS_API_KEY)' }]);
    expect(issuesFor({ provider: 'pixabay' }, { PEXELS_API_KEY: 'k' })[0]!.message).toContain('PIXABAY_API_KEY');
  });

  it('accepts a configured provider, and "none" always', () => {
    expect(issuesFor({ provider: 'pexels' }, { PEXELS_API_KEY: 'k' })).toEqual([]);
    expect(issuesFor({ provider: 'pixabay' }, { PIXABAY_API_KEY: 'k' })).toEqual([]);
    expect(issuesFor({ provider: 'none' }, {})).toEqual([]);
  });

  it('takes generated images when an images endpoint is configured (its own or OPENAI_*), and names the settings when not', () => {
    expect(issuesFor({ provider: 'openai-images' }, { PEXELS_API_KEY: 'k' })).toEqual([
      {
        field: 'visuals.provider',
        message: '"openai-images" is not configured on this server (set IMAGES_BASE_URL or IMAGES_API_KEY, or OPENAI_BASE_URL or OPENAI_API_KEY)',
      },
    ]);
    expect(issuesFor({ provider: 'openai-images' }, { IMAGES_BASE_URL: 'http://127.0.0.1:7860/v1' })).toEqual([]);
    expect(issuesFor({ provider: 'openai-images' }, { OPENAI_API_KEY: 'sk-test' })).toEqual([]);
  });
});
