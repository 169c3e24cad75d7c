// The status builder lives in the contracts, because the video workflow builds its webhook's `data` with it too.
export { toStatusView, type RunTimes, type StatusParts } from '@vidflow/contracts';
