import { status as grpcStatus } from '@grpc/grpc-js';
import type { WorkflowService } from '@temporalio/client';

/**
 * Fails start-up with a message naming the namespace when the cluster has no such namespace:
 * a self-hosted cluster makes none by itself, where the dev server makes `default`.
 */
export async function assertNamespaceExists(
  connection: { workflowService: WorkflowService },
  namespace: string,
  address: string,
): Promise<void> {
  try {
    await connection.workflowService.describeNamespace({ namespace });
  } catch (error) {
    // Anything else (Temporal down, a call not allowed) is for the usual paths to report.
    if ((error as { code?: unknown }).code !== grpcStatus.NOT_FOUND) return;
    throw new Error(
      `TEMPORAL_NAMESPACE: namespace "${namespace}" does not exist on ${address}; create it ` +
        `(temporal operator namespace create --namespace ${namespace} --address ${address}) ` +
        'or name an existing one',
    );
  }
}
