import { toIsoDate } from '../../src/domain';
import { seedPortRequest } from '../emulator/support';
import { eventually, startPortflow, type Portflow } from '../helpers/portflow';

describe('a port of many numbers over HTTP', () => {
  let portflow: Portflow;

  beforeAll(async () => {
    portflow = await startPortflow();
  });
  afterAll(async () => {
    await portflow?.close();
  });

  it('is admitted and keeps running with 150 numbers, its search attributes under 2 KiB', async () => {
    // Found by npm run bench: 200 numbers in TelephoneNumbers made the server terminate the port.
    const numbers = Array.from(
      { length: 150 },
      (_, line) => `+1607797${String(line).padStart(4, '0')}`,
    );
    const today = toIsoDate(new Date(await portflow.emulator.control.now()));
    const { partitionA } = portflow;
    const answer = await portflow.call('POST', portflow.portsPath(partitionA), {
      body: seedPortRequest(numbers, today),
    });
    expect(answer.status).toBe(202);

    const path = portflow.portsPath(partitionA, `/${answer.body.portRequestId}`);
    const read = async () => (await portflow.call('GET', path)).body as { phase: string };
    const port = await eventually(read, (body) => body.phase === 'AWAITING_CARRIER');
    expect(port).toMatchObject({ status: 'PENDING' });
    const description = await portflow.handleOf(partitionA, answer.body.portRequestId).describe();
    expect(description.status.name).toBe('RUNNING');
  });
});
