/** A loopback webhook receiver that checks each delivery's signature and may refuse some. */
import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { LEGACY_SIGNATURE_HEADER, standardWebhook } from '../../src/activities/webhooks';
import type { WebhookEvent } from '../../src/domain/webhook-event';
import { signBody } from '../../src/signature';

export interface Delivery<Event = WebhookEvent> {
  event: Event;
  /**
   * The signature header is the HMAC of this body under the secret; for portflow's webhooks
   * the Standard Webhooks headers verify too, with the event's id as `webhook-id`.
   */
  signed: boolean;
  /** The `webhook-id` header the delivery came with. */
  webhookId?: string;
  /** What the receiver answered: 2xx took the event, anything else asks for it again. */
  status: number;
}

export interface WebhookReceiver<Event = WebhookEvent> {
  url: string;
  deliveries: Delivery<Event>[];
  close(): Promise<void>;
}

function isSigned(
  secret: string,
  body: string,
  headers: IncomingHttpHeaders,
  signatureHeader: string,
): boolean {
  const header = headers[signatureHeader];
  const match = typeof header === 'string' ? /^t=(\d+),v1=[0-9a-f]{64}$/.exec(header) : null;
  if (match === null || signBody(secret, body, Number(match[1])) !== header) return false;
  return signatureHeader !== LEGACY_SIGNATURE_HEADER || isStandardSigned(secret, body, headers);
}

function isStandardSigned(secret: string, body: string, headers: IncomingHttpHeaders): boolean {
  try {
    const event = standardWebhook(secret).verify(body, headers as Record<string, string>);
    return (event as WebhookEvent).id === headers['webhook-id'];
  } catch {
    return false;
  }
}

/**
 * `refuse(n, event, earlier)` says whether to answer the n-th delivery (from 1), of `event`
 * after the `earlier` deliveries, with a 500; `signatureHeader` is portflow's own unless the
 * sender is another (the platform's notifications).
 */
export async function startWebhookReceiver<Event = WebhookEvent>({
  secret,
  refuse = () => false,
  signatureHeader = LEGACY_SIGNATURE_HEADER,
}: {
  secret: string;
  refuse?: (delivery: number, event: Event, earlier: Delivery<Event>[]) => boolean;
  signatureHeader?: string;
}): Promise<WebhookReceiver<Event>> {
  const deliveries: Delivery<Event>[] = [];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const event = JSON.parse(body) as Event;
      const status = refuse(deliveries.length + 1, event, [...deliveries]) ? 500 : 204;
      const webhookId = request.headers['webhook-id'];
      deliveries.push({
        event,
        signed: isSigned(secret, body, request.headers, signatureHeader),
        ...(typeof webhookId === 'string' ? { webhookId } : {}),
        status,
      });
      response.writeHead(status).end();
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks`,
    deliveries,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
