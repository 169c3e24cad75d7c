import type { ApiSchemas } from '@vidflow/api-client';
import { printJson, printLine, type Command } from '../command';
import { formatBytes } from '../format-video-progress';
import { expectPositionals } from '../parse-args';

type CacheStats = ApiSchemas['CacheStats'];

export const cacheStatsCommand: Command = {
  name: 'cache stats',
  args: '',
  summary: 'artifact cache size and hit rate, overall and per stage',
  flags: {},
  async run(ctx, args) {
    expectPositionals(args, [], 'cache stats');
    const s = await ctx.api.call(ctx.api.typed.GET('/api/cache/stats'));
    if (ctx.json) {
      printJson(ctx.io, s);
      return 0;
    }
    printLine(ctx.io, formatCacheStats(s));
    return 0;
  },
};

export function formatCacheStats(s: CacheStats): string {
  const size = `${formatBytes(s.bytes)}${s.maxBytes ? ` of ${formatBytes(s.maxBytes)}` : ''}`;
  const lines = [`entries ${s.entries}  ${size}  hits ${s.hits}  misses ${s.misses}  hit rate ${(s.hitRate * 100).toFixed(1)}%`];
  for (const [stage, st] of Object.entries(s.byStage)) {
    lines.push(`  ${stage.padEnd(9)} entries ${st.entries}  ${formatBytes(st.bytes)}  hits ${st.hits}  misses ${st.misses}`);
  }
  return lines.join('\n');
}
