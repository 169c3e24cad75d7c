import type { Client } from '@temporalio/client';
import { type WebhookDeliveryInput, webhookWorkflowId } from '@vidflow/contracts';

/** What the run of `subjectId` handed its delivery workflow (the input in the delivery's start event). */
export async function deliveryInput(client: Client, subjectId: string): Promise<WebhookDeliveryInput> {
  const history = await client.workflow.getHandle(webhookWorkflowId(subjectId)).fetchHistory();
  const payload = history.events![0]!.workflowExecutionStartedEventAttributes!.input!.payloads![0]!;
  return JSON.parse(Buffer.from(payload.data!).toString('utf8')) as WebhookDeliveryInput;
}
