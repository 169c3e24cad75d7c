/**
 * The span attribute that names the video a span belongs to, so that a tracing backend finds every span of one
 * video by it (Jaeger: tag `vidflow.video.id=vid-...`). No imports: the workflow bundle includes this file.
 */
export const VIDEO_ID_ATTRIBUTE = 'vidflow.video.id';

/** The video id of a call whose first argument carries one (the video workflow's input, every video activity's). */
export function videoIdOf(args: readonly unknown[] | undefined): string | undefined {
  const first = args?.[0];
  if (typeof first !== 'object' || first === null) return undefined;
  const id = (first as { videoId?: unknown }).videoId;
  return typeof id === 'string' ? id : undefined;
}

/** Sets the attribute on `span` (the active one) when the call is about a video. */
export function tagVideo(span: { setAttribute(key: string, value: string): unknown } | undefined, args: readonly unknown[] | undefined): void {
  const id = videoIdOf(args);
  if (span && id !== undefined) span.setAttribute(VIDEO_ID_ATTRIBUTE, id);
}
