import { expectPositionals } from '../parse-args';
import type { Command } from '../command';
import { followVideo } from '../follow-video';

export const watchCommand: Command = {
  name: 'watch',
  args: '<id>',
  summary: 'follow a video with a live progress bar until it ends',
  details:
    'Redraws one line in place on a terminal; prints a line per change otherwise.\n' +
    'Exits 0 when the video completes, 1 when it fails or is cancelled (with the error).\n' +
    'Ctrl-C stops watching; the video goes on (vidflow cancel stops it).',
  flags: {},
  async run(ctx, args) {
    const [id] = expectPositionals(args, ['id'], 'watch');
    await followVideo(ctx, id!);
    return 0;
  },
};
