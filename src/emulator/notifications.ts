import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { request } from 'undici';
import {
  PLATFORM_NOTIFICATION_ID_HEADER,
  PLATFORM_NOTIFICATION_SIGNATURE_HEADER,
  type PlatformPort,
  type PlatformPortNotification,
} from '../domain';
import type { Logger } from '../logger';
import { signBody } from '../signature';

export interface CallbackOptions {
  url: string;
  secret: string;
  logger?: Logger;
  /** Deliveries of one notification before it is dropped (the receiver polls anyway). */
  attempts?: number;
  /** Wait before the second attempt; doubled for each one after. */
  retryDelayMs?: number;
}

/** The notification of a port's new status, as the platform's callback carries it. */
export function notificationOf(partitionId: string, port: PlatformPort): PlatformPortNotification {
  const change = port.statusHistory?.at(-1);
  return {
    id: `ntf_${randomUUID()}`,
    type: 'port.status_changed',
    partitionId,
    portRequestId: port.portRequestId,
    customerReference: port.customerReference,
    status: port.status,
    at: change?.at ?? new Date().toISOString(),
    focDate: port.focDate,
    rejectionReason: port.rejectionReason,
  };
}

/**
 * Posts each port status change to the configured callback URL, signed, one at a time in the
 * order they happened; a refused or failed delivery is retried a few times, then dropped.
 */
export class PortCallbacks {
  private queue: Promise<void> = Promise.resolve();
  private readonly closing = new AbortController();

  constructor(private readonly options: CallbackOptions) {}

  notify(partitionId: string, port: PlatformPort): void {
    const notification = notificationOf(partitionId, port);
    this.queue = this.queue.then(() => this.deliver(notification));
  }

  /** Stops retrying; what is in flight ends with the server. */
  close(): void {
    this.closing.abort();
  }

  private async deliver(notification: PlatformPortNotification): Promise<void> {
    const { url, secret, logger, attempts = 5, retryDelayMs = 500 } = this.options;
    const body = JSON.stringify(notification);
    for (let attempt = 1; attempt <= attempts && !this.closing.signal.aborted; attempt++) {
      const outcome = await request(url, {
        method: 'POST',
        body,
        headers: {
          'content-type': 'application/json',
          [PLATFORM_NOTIFICATION_ID_HEADER]: notification.id,
          [PLATFORM_NOTIFICATION_SIGNATURE_HEADER]: signBody(
            secret,
            body,
            Math.floor(Date.now() / 1000),
          ),
        },
        headersTimeout: 5_000,
        bodyTimeout: 5_000,
        signal: this.closing.signal,
      }).then(
        async (response) => {
          await response.body.dump();
          return response.statusCode;
        },
        (error: unknown) => (error as Error).message,
      );
      if (typeof outcome === 'number' && outcome >= 200 && outcome < 300) return;
      logger?.warn(
        { attempt, outcome, portRequestId: notification.portRequestId },
        'port notification not taken',
      );
      if (attempt < attempts) {
        await delay(retryDelayMs * 2 ** (attempt - 1), undefined, {
          signal: this.closing.signal,
        }).catch(() => undefined);
      }
    }
  }
}
