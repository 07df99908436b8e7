/** Customer secrets that tests plant, then look for where they must never be. */
import { toIsoDate } from '../../src/domain';
import { defaultCarrierRecord } from '../../src/emulator/carrier';
import { seedPortRequest } from '../emulator/support';
import type { EmulatorControl, JsonAnswer } from './emulator';
import type { Portflow } from './portflow';

/** Distinctive enough that finding them anywhere is no accident. */
export const PIN = 'Q7ZK4M9PW2';
export const ACCOUNT_NUMBER = 'ACCT-88217-ZQ';

/** Where a port goes in: the emulator behind portflow, and a POST of a port request in one partition. */
export interface PortDoor {
  control: EmulatorControl;
  submit(body: unknown): Promise<JsonAnswer<{ portRequestId?: string }>>;
}

/**
 * Starts a one-number port whose losing carrier holds PIN and ACCOUNT_NUMBER; the request
 * gives `pin` (another one gets the port rejected). Answers its portRequestId.
 */
export async function submitPortWithSecretsAt(
  door: PortDoor,
  telephoneNumber: string,
  pin = PIN,
): Promise<string> {
  await door.control.setCarrierRecord(telephoneNumber, {
    ...defaultCarrierRecord(telephoneNumber),
    pin: PIN,
    accountNumber: ACCOUNT_NUMBER,
  });
  const today = toIsoDate(new Date(await door.control.now()));
  const submitted = await door.submit({
    ...seedPortRequest([telephoneNumber], today),
    pin,
    accountNumber: ACCOUNT_NUMBER,
  });
  if (submitted.status !== 202) throw new Error(`port refused: ${JSON.stringify(submitted.body)}`);
  return submitted.body.portRequestId as string;
}

/** submitPortWithSecretsAt in partition A of a test's portflow. */
export function submitPortWithSecrets(
  portflow: Portflow,
  telephoneNumber: string,
  pin = PIN,
): Promise<string> {
  return submitPortWithSecretsAt(
    {
      control: portflow.emulator.control,
      submit: (body) => portflow.call('POST', portflow.portsPath(portflow.partitionA), { body }),
    },
    telephoneNumber,
    pin,
  );
}
