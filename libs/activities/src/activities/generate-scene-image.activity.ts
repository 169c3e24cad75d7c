import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { ErrorTypes, type FoundSceneVisual, type GenerateSceneImageInput } from '@vidflow/contracts';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type ActivityDeps, mediaDirOf } from '../activity-deps';
import { checkReceivedMedia, resolveMediaInput } from '../adapters/media-input/resolve-media-input';
import { sceneImagePrompt } from '../adapters/scene-images/scene-image-provider';
import { toFailure } from './failures';
import { StageCache, stageKey } from './stage-cache';

interface CachedImage {
  model: string;
  prompt: string;
  revisedPrompt?: string;
}

/** The field generated images are reported under (the request chose them there). */
const FIELD = 'visuals.provider';

/**
 * Visuals stage, one scene, `visuals.provider: "openai-images"`: an image generated from the scene's text,
 * keywords, the topic and the request's style, at the model's size nearest the frame's orientation. The image is
 * checked as any media input is (it must decode as an image), committed as a run file (`work/<id>/`, shared
 * through the bucket with ARTIFACT_STORE=s3, so the render finds it on any host) and cached by prompt, size,
 * server and model, so a repeated or edited video regenerates only the scenes whose words changed.
 */
export function makeGenerateSceneImage(deps: Pick<ActivityDeps, 'store' | 'ffmpeg' | 'cache' | 'sceneImages' | 'mediaDownload' | 'mediaDir'>) {
  const cache = new StageCache(deps.cache);
  return async function generateSceneImage(input: GenerateSceneImageInput): Promise<FoundSceneVisual> {
    const provider = deps.sceneImages?.['openai-images'];
    if (!provider) {
      throw ApplicationFailure.create({
        type: ErrorTypes.BadInput,
        message: `${FIELD}: "openai-images" is not configured on this worker (set IMAGES_BASE_URL or IMAGES_API_KEY, or OPENAI_BASE_URL or OPENAI_API_KEY)`,
        nonRetryable: true,
        details: [{ field: FIELD }],
      });
    }
    const prompt = sceneImagePrompt({ text: input.text, keywords: input.keywords, topic: input.topic, style: input.style });
    const size = provider.sizeFor(input.width, input.height);
    const imagePath = deps.store.sceneImage(input.videoId, input.index);
    const key = stageKey('image', { prompt, size, engine: provider.identity });
    const hit = await cache.read<CachedImage>('image', key, input.cache);
    if (hit?.files.image) {
      try {
        await deps.store.placeCachedFile(hit.files.image, imagePath);
        return { source: 'openai-images', ...hit.value, image: imagePath };
      } catch {
        // Evicted between lookup and link: generate as on a miss.
      }
    }
    const { cancellationSignal: signal } = Context.current();
    const scratch = await deps.store.scratchDir(input.videoId, `image-${input.index}`);
    try {
      const answer = await provider.generate({ prompt, size, signal });
      let file: string;
      if (answer.kind === 'bytes') {
        file = join(scratch, 'image');
        await writeFile(file, answer.data);
        await checkReceivedMedia({ path: file, shown: `the image ${provider.model} made for scene ${input.index}`, field: FIELD, kind: 'image', ffmpeg: deps.ffmpeg, signal });
      } else {
        // A URL answer (DALL-E's default, some compatible servers) is fetched as any media URL is: address rules, limits.
        file = await resolveMediaInput({
          ref: answer.url,
          field: FIELD,
          kind: 'image',
          mediaDir: mediaDirOf(deps),
          ffmpeg: deps.ffmpeg,
          signal,
          download: { ...deps.mediaDownload, dir: scratch },
        });
      }
      const value: CachedImage = { model: provider.model, prompt, ...(answer.revisedPrompt ? { revisedPrompt: answer.revisedPrompt } : {}) };
      // Cached before the move (the cache links or copies the file in), so the entry never points at a moved file.
      await cache.write('image', key, input.cache, value, { image: file });
      await deps.store.commit(file, imagePath);
      return { source: 'openai-images', ...value, image: imagePath };
    } catch (err) {
      throw toFailure(err);
    } finally {
      await deps.store.removeScratch(scratch);
    }
  };
}
