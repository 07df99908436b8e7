import { once } from 'node:events';
import { connect } from 'node:net';
import Fastify from 'fastify';
import { closeGracefully } from '../../src/api/close';

describe('closeGracefully', () => {
  it('lets a request in flight finish before closing', async () => {
    const app = Fastify();
    let started: () => void = () => {};
    const inFlight = new Promise<void>((resolve) => (started = resolve));
    let finish: () => void = () => {};
    app.get('/slow', () => {
      started();
      return new Promise<string>((resolve) => (finish = () => resolve('done')));
    });
    const url = await app.listen({ host: '127.0.0.1', port: 0 });

    const answer = fetch(`${url}/slow`).then((response) => response.text());
    await inFlight;
    const closed = closeGracefully(app, 5_000);
    finish();
    await expect(answer).resolves.toBe('done');
    await closed;
  });

  it('cuts a client that stopped reading once the grace period is over', async () => {
    const app = Fastify();
    app.get('/large', () => 'x'.repeat(16 * 1024 * 1024));
    await app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = app.server.address() as { port: number };

    const stalled = connect(port, '127.0.0.1');
    await once(stalled, 'connect');
    stalled.write('GET /large HTTP/1.1\r\nHost: localhost\r\n\r\n');
    stalled.pause();
    await once(app.server, 'request');

    const startedAt = Date.now();
    await closeGracefully(app, 300);
    expect(Date.now() - startedAt).toBeLessThan(5_000);
    stalled.destroy();
  });
});
