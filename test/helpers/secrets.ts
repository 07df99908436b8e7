/** Customer secrets that tests plant, then look for where they must never be. */
import { toIsoDate } from '../../src/domain';
import { defaultCarrierRecord } from '../../src/emulator/carrier';
import { seedPortRequest } from '../emulator/support';
import type { Portflow } from './portflow';

/** Distinctive enough that finding them anywhere is no accident. */
export const PIN = 'Q7ZK4M9PW2';
export const ACCOUNT_NUMBER = 'ACCT-88217-ZQ';

/**
 * Starts a one-number port in partition A whose losing carrier holds PIN and ACCOUNT_NUMBER;
 * the request gives `pin` (another one gets the port rejected). Answers its portRequestId.
 */
export async function submitPortWithSecrets(
  portflow: Portflow,
  telephoneNumber: string,
  pin = PIN,
): Promise<string> {
  await portflow.emulator.control.setCarrierRecord(telephoneNumber, {
    ...defaultCarrierRecord(telephoneNumber),
    pin: PIN,
    accountNumber: ACCOUNT_NUMBER,
  });
  const today = toIsoDate(new Date(await portflow.emulator.control.now()));
  const submitted = await portflow.call('POST', portflow.portsPath(portflow.partitionA), {
    body: { ...seedPortRequest([telephoneNumber], today), pin, accountNumber: ACCOUNT_NUMBER },
  });
  if (submitted.status !== 202) throw new Error(`port refused: ${JSON.stringify(submitted.body)}`);
  return submitted.body.portRequestId as string;
}
