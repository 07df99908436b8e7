import type { Client } from '@temporalio/client';
import type { Config } from '../config';
import type { Logger } from '../logger';
import type { PlatformClient } from '../platform';
import type { NumberHolds } from '../temporal/number-holds';
import type { AdmissionGate } from './admission';

/** The workflows operations start, as metrics count them. */
export type StartedWorkflowType = 'portIn' | 'orderNumbers' | 'releaseNumber' | 'webhookRedelivery';

/** What every operation may use; the API builds one set per process. */
export interface OperationDeps {
  client: Client;
  config: Config;
  platform: PlatformClient;
  logger: Logger;
  taskQueue: string;
  holds: NumberHolds;
  /** Bounds the requests that start work at once. */
  gate: AdmissionGate;
  /** Told of each workflow start Temporal accepted. */
  workflowStarted(workflowType: StartedWorkflowType): void;
}
