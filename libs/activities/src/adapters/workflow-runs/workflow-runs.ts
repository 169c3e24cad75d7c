import type { Context } from '@temporalio/activity';
import { WorkflowNotFoundError } from '@temporalio/common';

/** The worker's Temporal client, as activities receive it. */
type Client = Context['client'];

/**
 * Whether a workflow id still has an open run. `open`: its latest run is running (a reset or a batch retry
 * makes a new run under the same id, so the latest run is what counts). `closed`: completed, failed,
 * cancelled, terminated, timed out. `gone`: Temporal knows no run under the id (the namespace's retention
 * removed it long after it closed). `unknown`: Temporal did not answer; nothing is decided on that.
 */
export type RunState = 'open' | 'closed' | 'gone' | 'unknown';

/** Asks Temporal about workflow runs: the sweeper's only way to learn which folders are still in use. */
export interface WorkflowRuns {
  stateOf(workflowId: string): Promise<RunState>;
}

/**
 * WorkflowRuns on a Temporal client: one DescribeWorkflowExecution per id, which reads the run's mutable state
 * (strongly consistent), not visibility (eventually consistent: a run started a moment ago may not be listed yet).
 */
export class TemporalWorkflowRuns implements WorkflowRuns {
  constructor(private readonly client: Client) {}

  async stateOf(workflowId: string): Promise<RunState> {
    try {
      const desc = await this.client.workflow.getHandle(workflowId).describe();
      return desc.status.name === 'RUNNING' ? 'open' : 'closed';
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return 'gone';
      return 'unknown';
    }
  }
}
