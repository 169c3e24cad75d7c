import {
  formatPercent,
  formatProgressBar,
  isTerminalStatus,
  sttLanguageProblem,
  TRANSCRIPT_FORMATS,
  type TranscriptionRequestInput,
  type TranscriptionStatusView,
} from '@vidflow/contracts';
import { stat } from 'node:fs/promises';
import { basename, extname, join, resolve } from 'node:path';
import { RunFailedError } from '../api-error';
import { printJson, printLine, type Command, type CommandContext } from '../command';
import { pollUntil } from '../follow-video';
import { formatBytes } from '../format-video-progress';
import { expectPositionals, numberFlag, stringFlag } from '../parse-args';
import { ProgressDisplay } from '../progress-display';
import { saveResponse } from '../save-response';
import { UsageError } from '../usage-error';
import { uploadFile } from '../upload-file';

export const transcribeCommand: Command = {
  name: 'transcribe',
  args: '<FILE> [-o DIR]',
  summary: 'upload a recording (tus, 50 MB chunks), transcribe it and save the subtitles (SRT, WebVTT, JSON, text)',
  details: [
    'Steps: upload with a progress bar (resumed after a dropped connection), POST /api/transcriptions, follow its',
    'chunks, then save <name>.srt, <name>.vtt, <name>.json, <name>.txt (and <name>.subtitled.mp4 with --burn-in).',
    'The offline provider (PocketSphinx) knows English only; other languages need --provider openai.',
  ].join('\n'),
  flags: {
    output: { type: 'string', alias: 'o', value: 'DIR', description: 'directory for the files (default: the current one)' },
    language: { type: 'string', alias: 'l', value: 'TAG', description: 'language of the speech (default en)' },
    provider: { type: 'string', value: 'NAME', description: 'offline (PocketSphinx, default) or openai (Whisper or an OpenAI-compatible server)' },
    model: { type: 'string', value: 'NAME', description: "the provider's model (openai: e.g. whisper-1)" },
    formats: { type: 'string', value: 'LIST', description: 'comma-separated formats to make (default srt,vtt,json,txt)' },
    'max-chunk-seconds': { type: 'integer', value: 'N', description: 'longest piece transcribed at once (default 30)' },
    'burn-in': { type: 'boolean', description: 'also make an MP4 with the subtitles burned in' },
    'chunk-mb': { type: 'integer', value: 'N', description: 'upload chunk size in MiB (default 50)' },
  },
  async run(ctx, args) {
    const [file] = expectPositionals(args, ['FILE'], 'transcribe');
    const path = resolve(ctx.io.cwd, file!);
    const info = await stat(path).catch(() => undefined);
    if (!info?.isFile()) throw new UsageError(`${file} is not a file`, 'transcribe');
    const outDir = resolve(ctx.io.cwd, stringFlag(args, 'output') ?? '.');
    if (!(await stat(outDir).catch(() => undefined))?.isDirectory()) throw new UsageError(`-o ${outDir} is not a directory`, 'transcribe');
    const chunkMb = numberFlag(args, 'chunk-mb');
    if (chunkMb !== undefined && chunkMb < 1) throw new UsageError('--chunk-mb must be at least 1', 'transcribe');
    const request = buildRequest(args.flags);
    // The server refuses it too (422 naming language); asked here first, a long upload is not spent on it.
    const languageProblem = sttLanguageProblem(request.provider?.name ?? 'offline', request.language ?? 'en');
    if (languageProblem) throw new UsageError(`--language: ${languageProblem}`, 'transcribe');

    const display = new ProgressDisplay(ctx.io.stdout);
    let upload;
    try {
      upload = await uploadFile({
        api: ctx.api,
        path,
        chunkBytes: chunkMb === undefined ? undefined : chunkMb * 1024 * 1024,
        onProgress: (sent, total) => {
          if (!ctx.json) display.update(`upload     ${formatProgressBar(total ? sent / total : 1)} ${formatPercent(total ? sent / total : 1)}  ${formatBytes(sent)} of ${formatBytes(total)}`);
        },
      });
    } finally {
      display.done();
    }
    if (!ctx.json) printLine(ctx.io, `uploaded ${basename(path)} as ${upload.id} (${formatBytes(upload.bytes)})`);

    const created = await ctx.api.call(ctx.api.typed.POST('/api/transcriptions', { body: { ...request, source: { upload: upload.id } } }));
    if (!ctx.json) printLine(ctx.io, `transcription ${created.id}`);
    const final = await followTranscription(ctx, created.id);

    const name = basename(path, extname(path));
    const saved: Record<string, { file: string; bytes: number }> = {};
    for (const [kind, url] of Object.entries(final.result?.files ?? {})) {
      if (!url) continue;
      const target = join(outDir, kind === 'video' ? `${name}.subtitled.mp4` : `${name}.${kind}`);
      const { response } =
        kind === 'video'
          ? await ctx.api.settle(ctx.api.typed.GET('/api/transcriptions/{id}/file', { params: { path: { id: created.id } }, parseAs: 'stream', headers: { Accept: 'video/mp4' } }))
          : await ctx.api.settle(
              ctx.api.typed.GET('/api/transcriptions/{id}/{name}', { params: { path: { id: created.id, name: basenameOfUrl(url) } }, parseAs: 'stream', headers: { Accept: '*/*' } }),
            );
      const bytes = await saveResponse(response, target, `${created.id} ${kind}`);
      saved[kind] = { file: target, bytes };
      if (!ctx.json) printLine(ctx.io, `${target}  (${formatBytes(bytes)})`);
    }
    if (ctx.json) printJson(ctx.io, { upload, transcription: final, files: saved });
    return 0;
  },
};

/** `subtitles.srt` of `/api/transcriptions/<id>/subtitles.srt`. */
function basenameOfUrl(url: string): string {
  return url.split('/').pop() ?? '';
}

/** The request body from the flags (the server validates it and names any bad field). */
function buildRequest(flags: Record<string, unknown>): Omit<TranscriptionRequestInput, 'source'> {
  const request: Omit<TranscriptionRequestInput, 'source'> = {};
  if (typeof flags.language === 'string') request.language = flags.language;
  if (typeof flags.provider === 'string' || typeof flags.model === 'string') {
    request.provider = {
      ...(typeof flags.provider === 'string' ? { name: flags.provider as 'offline' | 'openai' } : {}),
      ...(typeof flags.model === 'string' ? { model: flags.model } : {}),
    };
  }
  if (typeof flags.formats === 'string') {
    const formats = flags.formats.split(',').map((f) => f.trim()).filter(Boolean);
    const unknown = formats.filter((f) => !(TRANSCRIPT_FORMATS as readonly string[]).includes(f));
    if (unknown.length) throw new UsageError(`--formats: unknown ${unknown.join(', ')} (use ${TRANSCRIPT_FORMATS.join(',')})`, 'transcribe');
    request.formats = formats as TranscriptionRequestInput['formats'];
  }
  if (typeof flags['max-chunk-seconds'] === 'number') request.maxChunkSeconds = flags['max-chunk-seconds'];
  if (flags['burn-in'] === true) request.burnIn = { enabled: true };
  return request;
}

/** Follows a transcription to its end with a progress line; throws RunFailedError (exit 1) unless it completed. */
async function followTranscription(ctx: CommandContext, id: string): Promise<TranscriptionStatusView> {
  const display = new ProgressDisplay(ctx.io.stdout);
  let final: TranscriptionStatusView;
  try {
    final = await pollUntil({
      ctx,
      fetchOnce: () => ctx.api.call(ctx.api.typed.GET('/api/transcriptions/{id}', { params: { path: { id } } })) as Promise<TranscriptionStatusView>,
      onUpdate: (s) => {
        if (!ctx.json) display.update(formatTranscriptionProgress(s));
      },
      done: (s) => isTerminalStatus(s.status),
    });
  } finally {
    display.done();
  }
  if (final.status !== 'completed') {
    const why = final.error ? `: ${final.error.message}` : '';
    throw new RunFailedError(`transcription ${id} ${final.status}${final.error?.stage ? ` in stage ${final.error.stage}` : ''}${why}`);
  }
  if (!ctx.json) printLine(ctx.io, `completed: ${final.result?.durationSeconds ?? 0} s of ${final.result?.language ?? ''} audio by ${final.result?.engine ?? 'the provider'}`);
  return final;
}

/** `transcribe  [#####-----]  41%  chunks 41/120 (3 cached)`. */
export function formatTranscriptionProgress(s: TranscriptionStatusView): string {
  const chunks = s.chunks.total ? `  chunks ${s.chunks.done}/${s.chunks.total}${s.chunks.cacheHits ? ` (${s.chunks.cacheHits} cached)` : ''}` : '';
  return `${s.status === 'queued' ? 'queued' : s.stage.padEnd(10)} ${formatProgressBar(s.progress)} ${formatPercent(s.progress)}${chunks}`;
}
