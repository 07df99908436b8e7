import { ServiceError, type Client } from '@temporalio/client';
import { status as grpcStatus } from '@grpc/grpc-js';
import { callUpdate } from '../../src/operations/temporal-calls';

/** A client whose deadline runs the call as it is. */
const client = {
  withDeadline: (_deadline: number, call: () => unknown) => call(),
} as unknown as Client;

const failure = (code: number) =>
  new ServiceError('Workflow Update failed', {
    cause: Object.assign(new Error('failed'), { code }),
  });

/** An Update that fails with `codes` in turn, then answers. */
function update(codes: number[]) {
  const sent: number[] = [];
  const call = () => {
    sent.push(sent.length + 1);
    const code = codes[sent.length - 1];
    return code === undefined ? Promise.resolve('answered') : Promise.reject(failure(code));
  };
  return { call, sent };
}

describe('callUpdate', () => {
  it('sends an Update again while the server aborts it for a failed workflow task', async () => {
    const { call, sent } = update([grpcStatus.FAILED_PRECONDITION, grpcStatus.FAILED_PRECONDITION]);
    await expect(callUpdate(client, call)).resolves.toBe('answered');
    expect(sent).toHaveLength(3);
  });

  it('gives up after three attempts', async () => {
    const { call, sent } = update(Array<number>(4).fill(grpcStatus.FAILED_PRECONDITION));
    await expect(callUpdate(client, call)).rejects.toBeInstanceOf(ServiceError);
    expect(sent).toHaveLength(3);
  });

  it('sends any other failure on at once', async () => {
    const { call, sent } = update([grpcStatus.INVALID_ARGUMENT]);
    await expect(callUpdate(client, call)).rejects.toBeInstanceOf(ServiceError);
    expect(sent).toHaveLength(1);
  });
});
