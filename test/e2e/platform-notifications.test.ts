/** Embedded mode wires the emulator's notifications to the API: a port moves when the clock does. */
import { rmSync } from 'node:fs';
import type { PortObject } from '../../src/domain';
import {
  compileApp,
  startBuiltEmbedded,
  type Banner,
  type NodeProcess,
} from '../helpers/compiled-app';
import { emulatorControl, jsonRequest } from '../helpers/emulator';
import { eventually } from '../helpers/portflow';
import { AT_AND_T_NUMBER, seedPortRequest } from '../emulator/support';

describe('platform notifications in embedded mode (npm start)', () => {
  let appRoot: string;
  let embedded: NodeProcess | undefined;
  let banner: Banner;

  beforeAll(async () => {
    appRoot = await compileApp();
    const started = await startBuiltEmbedded(appRoot, {
      // The poll would come in an hour: only the notification can move the port sooner.
      PORT_POLL_INTERVAL: '1h',
    });
    embedded = started.embedded;
    banner = started.banner;
  });

  afterAll(async () => {
    await embedded?.stop('SIGINT');
    if (appRoot) rmSync(appRoot, { recursive: true, force: true });
  });

  it('moves a port to COMPLETED as soon as the emulator clock passes its FOC date', async () => {
    const ports = `${banner.api}/v2/partition/demo/telephone-number/port`;
    const headers = { 'x-auth-token': banner.developmentToken };
    const control = emulatorControl(banner.platform);
    const today = (await control.now()).slice(0, 10);
    const submitted = await jsonRequest<PortObject>(ports, 'POST', {
      headers,
      body: seedPortRequest([AT_AND_T_NUMBER], today),
    });
    expect(submitted.status).toBe(202);
    const read = async () =>
      (
        await jsonRequest<PortObject>(`${ports}/${submitted.body.portRequestId}`, 'GET', {
          headers,
        })
      ).body;
    await eventually(read, (port) => port.numbers?.every((n) => n.upstreamPortRequestId) ?? false);

    await control.advance({ days: 30 });
    const advancedAt = Date.now();
    const completed = await eventually(read, (port) => port.status === 'COMPLETED', 60_000);
    expect(completed.numbers.map(({ status }) => status)).toEqual(['COMPLETED']);
    // Well within the hour the poll would take.
    expect(Date.now() - advancedAt).toBeLessThan(60_000);
  });
});
