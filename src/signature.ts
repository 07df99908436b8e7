import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`: the time is signed so that a
 * receiver can refuse a replay. portflow's webhooks and the platform's notifications use it.
 */
export function signBody(secret: string, body: string, timestampSeconds: number): string {
  const digest = createHmac('sha256', secret).update(`${timestampSeconds}.${body}`).digest('hex');
  return `t=${timestampSeconds},v1=${digest}`;
}

/** Why `header` does not prove that the holder of `secret` sent `body` lately; undefined when it does. */
export function signatureProblem(options: {
  header: string | string[] | undefined;
  body: string;
  secret: string;
  nowSeconds: number;
  toleranceSeconds: number;
}): string | undefined {
  const { header, body, secret, nowSeconds, toleranceSeconds } = options;
  const match = typeof header === 'string' ? /^t=(\d{1,12}),v1=([0-9a-f]{64})$/.exec(header) : null;
  if (!match) return 'is missing or not t=<unix seconds>,v1=<hex HMAC-SHA256>';
  const timestamp = Number(match[1]);
  if (Math.abs(nowSeconds - timestamp) > toleranceSeconds) {
    return `is stale: signed at ${timestamp}, more than ${toleranceSeconds} s from now`;
  }
  const expected = Buffer.from(signBody(secret, body, timestamp));
  const presented = Buffer.from(header as string);
  return expected.length === presented.length && timingSafeEqual(expected, presented)
    ? undefined
    : 'does not match the body under the shared secret';
}
