/**
 * HTTP/1.1 written byte by byte over a socket: a test can send what no client library lets
 * through (non-ASCII and control bytes in headers, bad percent-encoding, a 20 KB header).
 */
import { connect } from 'node:net';

export interface RawRequest {
  method: string;
  /** The request target as sent, already encoded (or deliberately not). */
  target: string;
  headers: [name: string, value: string][];
  /** Sent with a Content-Length; strings as UTF-8. */
  body?: string | Buffer;
}

export interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** A chunked body, decoded; what is not chunk framing is kept as it came. */
function dechunk(body: Buffer): Buffer {
  const parts: Buffer[] = [];
  let at = 0;
  for (;;) {
    const lineEnd = body.indexOf('\r\n', at);
    if (lineEnd < 0) break;
    const size = parseInt(body.subarray(at, lineEnd).toString('latin1'), 16);
    if (!Number.isFinite(size) || size === 0) break;
    parts.push(body.subarray(lineEnd + 2, lineEnd + 2 + size));
    at = lineEnd + 2 + size + 2;
  }
  return Buffer.concat(parts);
}

/** Sends one request with `Connection: close` and reads the whole answer; fails after `timeoutMs`. */
export function rawRequest(
  host: string,
  port: number,
  request: RawRequest,
  timeoutMs = 15_000,
): Promise<RawAnswer> {
  const body =
    request.body === undefined
      ? undefined
      : Buffer.isBuffer(request.body)
        ? request.body
        : Buffer.from(request.body, 'utf8');
  const head = [
    `${request.method} ${request.target} HTTP/1.1`,
    `host: ${host}:${port}`,
    'connection: close',
    ...request.headers.map(([name, value]) => `${name}: ${value}`),
    ...(body ? [`content-length: ${body.length}`] : []),
    '',
    '',
  ].join('\r\n');
  return new Promise((resolve, reject) => {
    const socket = connect(port, host);
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer within ${timeoutMs} ms to ${request.method} ${request.target}`));
    }, timeoutMs);
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    // The server may answer and close before it has read all we sent: that is an answer too.
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      const whole = Buffer.concat(chunks);
      const split = whole.indexOf('\r\n\r\n');
      if (split < 0) {
        reject(new Error(`no HTTP answer to ${request.method} ${request.target}`));
        return;
      }
      const [statusLine = '', ...headerLines] = whole
        .subarray(0, split)
        .toString('latin1')
        .split('\r\n');
      const headers: Record<string, string> = {};
      for (const line of headerLines) {
        const colon = line.indexOf(':');
        headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
      }
      const rest = whole.subarray(split + 4);
      const payload = /chunked/i.test(headers['transfer-encoding'] ?? '') ? dechunk(rest) : rest;
      resolve({
        status: Number(statusLine.split(' ')[1]),
        headers,
        body: payload.toString('utf8'),
      });
    });
    socket.write(Buffer.concat([Buffer.from(head, 'utf8'), ...(body ? [body] : [])]));
  });
}
