import { proxyActivities } from '@temporalio/workflow';
import type { IoActivities } from '@vidflow/activities';
import { UNSUPPORTED_MEDIA, type ProbeMediaInput, type SniffedMedia } from '@vidflow/contracts/workflow';

const { probeLibraryMedia } = proxyActivities<IoActivities>({
  // One ffprobe and a one-frame decode: seconds. The API waits for the answer, so a lost worker's attempt
  // is retried soon rather than after a long timeout.
  startToCloseTimeout: '2m',
  retry: { initialInterval: '1s', maximumAttempts: 3, nonRetryableErrorTypes: [UNSUPPORTED_MEDIA] },
});

/** The media library's sniff of a received file (POST /api/media): a workflow so that ffprobe runs on a worker, not in the API. */
export async function probeMediaWorkflow(input: ProbeMediaInput): Promise<SniffedMedia> {
  return probeLibraryMedia(input);
}
