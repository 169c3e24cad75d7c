import { apiPath } from '../api-client';
import { printJson, printLine, type Command } from '../command';
import { formatBytes } from '../format-video-progress';
import { expectPositionals } from '../parse-args';

interface StageStats {
  entries?: number;
  bytes?: number;
  hits?: number;
  misses?: number;
}
interface CacheStats extends StageStats {
  maxBytes?: number;
  hitRate?: number;
  byStage?: Record<string, StageStats>;
}

export const cacheStatsCommand: Command = {
  name: 'cache stats',
  args: '',
  summary: 'artifact cache size and hit rate, overall and per stage',
  flags: {},
  async run(ctx, args) {
    expectPositionals(args, [], 'cache stats');
    const s = await ctx.api.get<CacheStats>(apiPath('cache', 'stats'));
    if (ctx.json) {
      printJson(ctx.io, s);
      return 0;
    }
    printLine(ctx.io, formatCacheStats(s));
    return 0;
  },
};

export function formatCacheStats(s: CacheStats): string {
  const size = `${formatBytes(s.bytes ?? 0)}${s.maxBytes ? ` of ${formatBytes(s.maxBytes)}` : ''}`;
  const rate = s.hitRate !== undefined ? `  hit rate ${(s.hitRate * 100).toFixed(1)}%` : '';
  const lines = [`entries ${s.entries ?? 0}  ${size}  hits ${s.hits ?? 0}  misses ${s.misses ?? 0}${rate}`];
  for (const [stage, st] of Object.entries(s.byStage ?? {})) {
    lines.push(`  ${stage.padEnd(9)} entries ${st.entries ?? 0}  ${formatBytes(st.bytes ?? 0)}  hits ${st.hits ?? 0}  misses ${st.misses ?? 0}`);
  }
  return lines.join('\n');
}
