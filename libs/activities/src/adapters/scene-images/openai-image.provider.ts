import type OpenAI from 'openai';
import { fromOpenAiError } from '../openai/openai-errors';
import { ProviderError } from '../provider-error';
import { type GeneratedImage, type GenerateImageRequest, imageSizeFor, type SceneImageProvider } from './scene-image-provider';

/**
 * Scene images from OpenAI's `images.generations` (DALL-E 3, gpt-image-1), or any OpenAI-compatible server that
 * implements it (LocalAI, stable-diffusion front ends) at IMAGES_BASE_URL. Errors are classified as at every other
 * OpenAI call (fromOpenAiError): 429 and 5xx retried, other 4xx fail with the server's message (a prompt the
 * safety system refused, an unknown model).
 */
export class OpenAiImageProvider implements SceneImageProvider {
  readonly name = 'openai-images';

  constructor(
    private readonly client: OpenAI,
    readonly model: string,
    /** The server's base URL: the same model name on another server is another image. */
    private readonly baseUrl: string,
  ) {}

  get identity(): string {
    return `openai-images:${this.baseUrl}:${this.model}`;
  }

  sizeFor(width: number, height: number): string {
    return imageSizeFor(this.model, width, height);
  }

  async generate(request: GenerateImageRequest): Promise<GeneratedImage> {
    const what = `image generation (${this.model})`;
    let answer: OpenAI.ImagesResponse;
    try {
      answer = await this.client.images.generate(
        {
          model: this.model,
          prompt: request.prompt,
          n: 1,
          size: request.size as OpenAI.ImageGenerateParams['size'],
          // DALL-E answers a URL unless asked for the bytes; gpt-image-* always answers bytes and refuses the option.
          ...(/^dall-e/i.test(this.model) ? { response_format: 'b64_json' as const } : {}),
        },
        { signal: request.signal },
      );
    } catch (err) {
      throw fromOpenAiError(err, what);
    }
    const image = answer.data?.[0];
    const revised = image?.revised_prompt ? { revisedPrompt: image.revised_prompt } : {};
    if (image?.b64_json) {
      const data = Buffer.from(image.b64_json, 'base64');
      if (data.length === 0) throw new ProviderError(`${what} answered an empty image`, { retryable: true });
      return { kind: 'bytes', data, ...revised };
    }
    if (image?.url) return { kind: 'url', url: image.url, ...revised };
    throw new ProviderError(`${what} answered no image (neither b64_json nor url in data[0])`, { retryable: true });
  }
}
