import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { resolveTemporalCli } from '../../src/dev/temporal-cli';
import { createLogger } from '../../src/logger';
import { portWorkflowId } from '../../src/workflows/definitions';
import { advanceCarrierUntil, startPortflow, type Portflow } from '../helpers/portflow';
import { ACCOUNT_NUMBER, PIN, submitPortWithSecrets } from '../helpers/secrets';
import { TEST_NAMESPACE, testTemporalAddress } from '../helpers/temporal';

const run = promisify(execFile);
const NUMBER = '+16077986471';

/** Every payload in the CLI's JSON history, its encoding and data read from base64. */
function payloadsIn(value: unknown): { encoding: string; data: string }[] {
  if (typeof value !== 'object' || value === null) return [];
  const { metadata, data } = value as { metadata?: { encoding?: string }; data?: string };
  if (metadata?.encoding !== undefined) {
    const read = (base64: string) => Buffer.from(base64, 'base64').toString('utf8');
    return [{ encoding: read(metadata.encoding), data: read(data ?? '') }];
  }
  return Object.values(value).flatMap(payloadsIn);
}

describe('the Temporal CLI reading a port through the codec endpoint (README command)', () => {
  let portflow: Portflow;
  let cli: string;
  let portId: string;

  beforeAll(async () => {
    const resolved = await resolveTemporalCli({ logger: createLogger({ level: 'warn' }) });
    if (resolved.source === 'sdk-download') throw new Error('this test runs the pinned CLI');
    cli = resolved.path;
    portflow = await startPortflow();
    const portRequestId = await submitPortWithSecrets(portflow, NUMBER);
    await advanceCarrierUntil(portflow, portflow.partitionA, portRequestId, (port) =>
      ['APPROVED', 'COMPLETED'].includes(port.status),
    );
    portId = portWorkflowId(portflow.partitionA, portRequestId);
  });

  afterAll(async () => {
    await portflow?.close();
  });

  const show = (...codecArgs: string[]) =>
    run(
      cli,
      [
        'workflow',
        'show',
        '-w',
        portId,
        '--address',
        testTemporalAddress(),
        '--namespace',
        TEST_NAMESPACE,
        '--codec-endpoint',
        `${portflow.apiUrl}/codec`,
        ...codecArgs,
        '--output',
        'json',
        '--command-timeout',
        '15s',
      ],
      { timeout: 60_000, maxBuffer: 16 * 1024 * 1024 },
    );

  it('shows the whole history decoded, events without payloads included, secrets redacted', async () => {
    const { stdout } = await show('--codec-auth', `Bearer ${portflow.token}`);
    const history = JSON.parse(stdout) as { events: { eventType: string }[] };
    expect(history.events[0]?.eventType).toMatch(/WORKFLOW_EXECUTION_STARTED/);
    // Timers and task events carry no payloads: the CLI still sends them to the codec, as `{}`.
    expect(history.events.some((event) => /WORKFLOW_TASK_COMPLETED/.test(event.eventType))).toBe(
      true,
    );
    const payloads = payloadsIn(history);
    expect(payloads.length).toBeGreaterThan(0);
    // Decoded: no payload is left encrypted, and the input reads in words, secrets replaced.
    expect(new Set(payloads.map(({ encoding }) => encoding))).not.toContain('binary/encrypted');
    const text = payloads.map(({ data }) => data).join('\n');
    expect(text).toContain(NUMBER);
    expect(text).toContain('acc_123');
    expect(text).toContain('"pin":"[REDACTED]"');
    for (const secret of [PIN, ACCOUNT_NUMBER]) expect(`${stdout}${text}`).not.toContain(secret);
  });

  it('reads nothing with a token held to partitions', async () => {
    // The CLI retries a refused codec call until its deadline, then gives up.
    await expect(show('--codec-auth', `Bearer ${portflow.tokenA}`)).rejects.toThrow(
      /context deadline exceeded/,
    );
  });
});
