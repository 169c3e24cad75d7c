import { orientationOf } from '../stock-media/stock-media-provider';

export interface GenerateImageRequest {
  prompt: string;
  /** What the images endpoint takes (`1024x1792`); sizeFor() chooses it for the frame. */
  size: string;
  signal?: AbortSignal;
}

/** The provider's answer: the image's bytes (`b64_json`), or a URL to fetch them from (through the media downloader). */
export type GeneratedImage = ({ kind: 'bytes'; data: Buffer } | { kind: 'url'; url: string }) & {
  /** Some models rewrite the prompt (DALL-E 3): what they drew from, for the status. */
  revisedPrompt?: string;
};

/** An image generator for `visuals.provider` `openai-images`: one image per scene. */
export interface SceneImageProvider {
  readonly name: 'openai-images';
  readonly model: string;
  /** What, besides prompt and size, decides the image (server, model): part of the `image` cache key. */
  readonly identity: string;
  /** The size to ask for, given the frame: the model's size closest to the frame's orientation. */
  sizeFor(width: number, height: number): string;
  generate(request: GenerateImageRequest): Promise<GeneratedImage>;
}

/**
 * The sizes OpenAI's image models take, by orientation (the render scales and crops the image to cover the frame).
 * `dall-e-2` makes only squares; `gpt-image-*` 1536 on the long side; DALL-E 3, and the OpenAI-compatible servers
 * (LocalAI, stable-diffusion front ends) that copy its API, 1792.
 */
export function imageSizeFor(model: string, width: number, height: number): string {
  const orientation = orientationOf(width, height);
  if (orientation === 'square' || /^dall-e-2/i.test(model)) return '1024x1024';
  const long = /^gpt-image/i.test(model) ? 1536 : 1792;
  return orientation === 'landscape' ? `${long}x1024` : `1024x${long}`;
}

/** Longest prompt sent: DALL-E 2 takes 1,000 characters (DALL-E 3 4,000), and a scene's gist fits well within it. */
export const MAX_PROMPT_CHARS = 1000;

/**
 * The prompt for one scene's image: the style first (it sets the look every scene shares), then what the scene
 * says, its keywords as the subjects, the topic as context, and no lettering (captions are drawn over the image;
 * letters in the picture would fight them). Deterministic, so a repeated scene hits the cache.
 */
export function sceneImagePrompt(o: { text: string; keywords?: string[]; topic?: string; style?: string }): string {
  const parts = [
    o.style ? `${o.style.replace(/[.\s]+$/, '')}.` : undefined,
    o.topic ? `An image for a narrated video about ${o.topic.trim().replace(/[.\s]+$/, '')}.` : 'An image for a narrated video.',
    o.keywords?.length ? `Subject: ${o.keywords.join(', ')}.` : undefined,
    'No text, letters or captions in the image.',
  ].filter((p): p is string => p !== undefined);
  const fixed = parts.join(' ');
  const room = MAX_PROMPT_CHARS - fixed.length - ' The scene: ""'.length;
  const text = o.text.replace(/\s+/g, ' ').trim();
  const said = text.length > room ? `${text.slice(0, Math.max(0, room - 1)).replace(/\s+\S*$/, '')}…` : text;
  // The scene's words go after the fixed parts, so a long scene is what gets shortened.
  return `${fixed} The scene: "${said}"`;
}
