import {
  CancellationScope,
  allHandlersFinished,
  condition,
  setHandler,
} from '@temporalio/workflow';
import type { PortSupplement } from '../domain/port';
import type { NewPortComment } from '../domain/port-comments';
import { toPortMemo, type PortMemo } from '../domain/port-memo';
import {
  activatePortUpdate,
  addCommentUpdate,
  cancelPortUpdate,
  carrierEventSignal,
  removeNumberUpdate,
  portCommentsQuery,
  supplementPortUpdate,
  webhookEventsQuery,
  type PortInInput,
  type PortNumberChange,
} from './definitions';
import { Port } from './port';

/**
 * A port-in, one workflow however many losing carriers: hold the numbers (a large port;
 * the API held a small one's) → check portability → one submission per losing carrier, each
 * followed inside this workflow → activate the completed numbers → give the numbers back.
 * The port object lives in the memo, so the API reads it without a worker; the result is the same.
 */
export async function portIn(input: PortInInput): Promise<PortMemo> {
  const port = new Port(input);
  setHandler(cancelPortUpdate, () => port.cancel(), { validator: () => port.refuseCancel() });
  setHandler(supplementPortUpdate, (correction) => port.supplement(correction), {
    validator: (_correction: PortSupplement) => port.refuseSupplement(),
  });
  setHandler(activatePortUpdate, () => port.requestActivation(), {
    validator: () => port.refuseActivation(),
  });
  setHandler(removeNumberUpdate, (change) => port.removeNumber(change), {
    validator: (change: PortNumberChange) => port.refuseRemoval(change),
  });
  setHandler(carrierEventSignal, (event) => port.nudge(event));
  setHandler(addCommentUpdate, (comment) => port.addComment(comment), {
    validator: (_comment: NewPortComment) => port.refuseComment(),
  });
  setHandler(portCommentsQuery, () => port.comments.all);
  setHandler(webhookEventsQuery, ({ from }) => port.webhookEvents.page(from));
  try {
    await port.run();
  } finally {
    await CancellationScope.nonCancellable(() => port.close());
  }
  await condition(allHandlersFinished);
  // As the memo holds it: a 20,000-number port object would outgrow a payload's 2 MiB.
  return toPortMemo(port.object);
}
