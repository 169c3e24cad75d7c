import type { VidflowConfig } from '@vidflow/config';
import { callbackUrlProblem, isHttpUrl, looksLikeUrl, MEDIA_ID, mediaRefId, parseMediaUrl, voiceNameIssue, type FieldIssue, type VideoRequest, type VoiceCatalog } from '@vidflow/contracts';

/** Which optional providers this deployment has (from the same settings the workers read). */
export interface PolicyAvailability {
  /** An OpenAI-compatible script writer (LLM_* or OPENAI_*). */
  llm?: boolean;
  /** An OpenAI-compatible speech server (TTS_* or OPENAI_*). */
  tts?: boolean;
  privateMediaUrls?: boolean;
  /** WEBHOOK_ALLOW_PRIVATE_URLS: callbackUrl may name a literal private address. */
  privateCallbackUrls?: boolean;
  /** Stock video providers with a key (PEXELS_API_KEY, PIXABAY_API_KEY), for `visuals.provider`. */
  stockMedia?: { pexels?: boolean; pixabay?: boolean };
  /** An OpenAI-compatible images endpoint (IMAGES_* or OPENAI_*), for `visuals.provider` `openai-images`. */
  images?: boolean;
  /** The voices the workers published (GET /api/voices); undefined: not known yet, voice names are left to the worker. */
  voices?: VoiceCatalog;
}

/** What the configuration makes available, for `requestPolicyIssues`. */
export function policyAvailability(config: VidflowConfig, voices?: VoiceCatalog): PolicyAvailability {
  return {
    llm: config.llm.openai !== undefined,
    tts: config.tts.openai !== undefined,
    privateMediaUrls: config.mediaDownload.allowPrivate,
    privateCallbackUrls: config.webhooks.allowPrivate,
    stockMedia: { pexels: config.stockMedia.pexels !== undefined, pixabay: config.stockMedia.pixabay !== undefined },
    images: config.images.openai !== undefined,
    voices,
  };
}

/**
 * Options of the contract that this version's worker cannot carry out yet. They are refused up front
 * with 422 (well-formed but impossible) instead of being accepted and failing later. Returns the issues (none:
 * the request can be carried out); POST /api/videos refuses a request with any, a batch names each item's.
 */
export function requestPolicyIssues(request: VideoRequest, available: PolicyAvailability = {}): FieldIssue[] {
  const issues: FieldIssue[] = [];
  // The workers get the same settings; without an endpoint for a kind (its own or OPENAI_*) they have no OpenAI provider of it.
  const notConfigured = (kind: string) => `is not configured on this server (set ${kind}_BASE_URL or ${kind}_API_KEY, or OPENAI_BASE_URL or OPENAI_API_KEY)`;
  if (request.llm.provider === 'openai' && !available.llm && request.topic !== undefined) {
    issues.push({ field: 'llm.provider', message: `"openai" ${notConfigured('LLM')}; use "offline"` });
  }
  if (request.voice.provider === 'openai' && !available.tts) {
    issues.push({ field: 'voice.provider', message: `"openai" ${notConfigured('TTS')}; use "espeak"` });
  }
  const visuals = request.visuals?.provider;
  if (visuals === 'openai-images' && !available.images) {
    issues.push({ field: 'visuals.provider', message: `"openai-images" ${notConfigured('IMAGES')}` });
  } else if ((visuals === 'pexels' || visuals === 'pixabay') && !available.stockMedia?.[visuals]) {
    issues.push({ field: 'visuals.provider', message: `"${visuals}" is not configured on this server (set ${visuals === 'pexels' ? 'PEXELS_API_KEY' : 'PIXABAY_API_KEY'})` });
  }
  const voiceIssue = available.voices && voiceNameIssue(available.voices, request.voice);
  if (voiceIssue) issues.push(voiceIssue);
  // Media files are resolved (URLs downloaded) and decoded by the render worker, which fails the video
  // at once (BadMedia, naming the field) when one is missing, unreadable, outside MEDIA_DIR or on a
  // refused address; what the text alone shows to be impossible is refused here.
  for (const [field, ref] of mediaRefs(request)) {
    const problem = mediaRefProblem(ref, available.privateMediaUrls);
    if (problem) issues.push({ field, message: problem });
  }
  // The worker checks every address it connects to; a literal private IP is refused here already.
  if (request.callbackUrl) {
    const problem = callbackUrlProblem(request.callbackUrl, available.privateCallbackUrls !== false);
    if (problem) issues.push({ field: 'callbackUrl', message: problem });
  }
  return issues;
}

/** The 422's message: every issue, `field: message`, in order. */
export function summarizePolicyIssues(issues: FieldIssue[]): string {
  return issues.map((i) => `${i.field}: ${i.message}`).join('; ');
}

/** Every media reference of a request with the field it came from. */
export function mediaRefs(request: VideoRequest): Array<[string, string]> {
  const refs: Array<[string, string]> = [];
  const background = (bg: VideoRequest['render']['background'] | undefined, field: string) => {
    if (bg && 'image' in bg) refs.push([`${field}.image`, bg.image]);
    if (bg && 'video' in bg) refs.push([`${field}.video`, bg.video]);
  };
  background(request.render.background, 'render.background');
  request.scenes?.forEach((scene, i) => background(scene.background, `scenes.${i}.background`));
  if (request.render.music) refs.push(['render.music.source', request.render.music.source]);
  return refs;
}

/**
 * An http(s) URL must be well-formed (absolute, with a host, no credentials: `parseMediaUrl`, the
 * worker's own check). A host written as an IP address in a refused range (loopback, private,
 * link-local, …) is refused only when the caller says private URLs are off (`privateMediaUrls: false`,
 * from MEDIA_ALLOW_PRIVATE_URLS); host names are judged by the worker at connect time, on the
 * addresses DNS gives it then.
 */
function mediaRefProblem(ref: string, privateMediaUrls?: boolean): string | undefined {
  const mediaId = mediaRefId(ref);
  if (mediaId !== undefined) return MEDIA_ID.test(mediaId) ? undefined : 'must be media:<id> of a media-library item (media:med-<32 hex digits>)';
  if (isHttpUrl(ref)) return parseMediaUrl(ref, { allowPrivate: privateMediaUrls !== false }).problem;
  if (looksLikeUrl(ref)) return 'must be an http(s) URL, media:<id> or a path under MEDIA_DIR';
  if (ref.includes('\0')) return 'must not contain a NUL character';
  if (ref.split(/[\\/]/).includes('..')) return 'must not contain ".." (paths are relative to MEDIA_DIR)';
  return undefined;
}

/** The `media:<id>` references of a request, with their fields (for the check that each names an item). */
export function mediaLibraryRefs(request: VideoRequest): Array<[field: string, id: string]> {
  return mediaRefs(request).flatMap(([field, ref]) => {
    const id = mediaRefId(ref);
    return id !== undefined && MEDIA_ID.test(id) ? [[field, id] as [string, string]] : [];
  });
}
