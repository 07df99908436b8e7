import { CancellationScope, allHandlersFinished, condition, setHandler } from '@temporalio/workflow';
import type { PortObject, PortSupplement } from '../domain/port';
import {
  cancelPortUpdate,
  carrierEventSignal,
  supplementPortUpdate,
  type PortInInput,
} from './definitions';
import { Port } from './port';

/**
 * A port-in, one workflow however many losing carriers: hold the numbers (a large port;
 * the API held a small one's) → check portability → one submission per losing carrier, each
 * followed inside this workflow → activate the completed numbers → give the numbers back.
 * The port object lives in the memo, so the API reads it without a worker.
 */
export async function portIn(input: PortInInput): Promise<PortObject> {
  const port = new Port(input);
  setHandler(cancelPortUpdate, () => port.cancel(), { validator: () => port.refuseCancel() });
  setHandler(supplementPortUpdate, (correction) => port.supplement(correction), {
    validator: (_correction: PortSupplement) => port.refuseSupplement(),
  });
  setHandler(carrierEventSignal, (event) => port.nudge(event));
  try {
    await port.run();
  } finally {
    await CancellationScope.nonCancellable(() => port.close());
  }
  await condition(allHandlersFinished);
  return port.object;
}
