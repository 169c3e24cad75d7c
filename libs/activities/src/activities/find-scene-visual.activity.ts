import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { ErrorTypes, type FindSceneVisualInput, type SceneVisual } from '@vidflow/contracts';
import type { ActivityDeps } from '../activity-deps';
import { sceneQueries } from '../adapters/stock-media/scene-queries';
import { orientationOf } from '../adapters/stock-media/stock-media-provider';
import { toFailure } from './failures';

/**
 * Visuals stage, one scene: searches the stock provider with the scene's terms in turn (its keywords, else its
 * content words, then the topic) and answers the first clip that covers the frame in its orientation. No clip for
 * any term is not an error: the scene keeps its background, and the answer says why (the status shows it). The
 * clip is only named here; the render stage downloads it through the media downloader (its address rules, size and
 * time limits) and keys its cache by the downloaded file's content.
 */
export function makeFindSceneVisual(deps: Pick<ActivityDeps, 'stockMedia'>) {
  return async function findSceneVisual(input: FindSceneVisualInput): Promise<SceneVisual> {
    const provider = deps.stockMedia?.[input.provider];
    if (!provider) {
      const setting = input.provider === 'pexels' ? 'PEXELS_API_KEY' : 'PIXABAY_API_KEY';
      throw ApplicationFailure.create({
        type: ErrorTypes.BadInput,
        message: `visuals.provider: "${input.provider}" is not configured on this worker (set ${setting})`,
        nonRetryable: true,
        details: [{ field: 'visuals.provider' }],
      });
    }
    const queries = sceneQueries({ text: input.text, keywords: input.keywords, topic: input.topic });
    const orientation = orientationOf(input.width, input.height);
    try {
      for (const query of queries) {
        const [clip] = await provider.searchVideos({ query, orientation, minWidth: input.width, minHeight: input.height, signal: Context.current().cancellationSignal });
        if (clip) return { source: clip.source, url: clip.url, query, author: clip.author, pageUrl: clip.pageUrl, licence: clip.licence };
      }
    } catch (err) {
      throw toFailure(err);
    }
    const tried = queries.length ? queries.map((q) => JSON.stringify(q)).join(', ') : 'no search terms (the scene has no content words)';
    return { source: 'background', reason: `no ${provider.name} video of at least ${input.width}x${input.height} (${orientation}) for ${tried}` };
  };
}
