/*
 * The port object as a workflow keeps it in its memo, so the API reads a port with one describe
 * and no worker. Zod-free: workflow code imports it.
 */
import type { PortNumberOutcome, PortObject, PortRequest } from './port';

type Outcome = Omit<PortNumberOutcome, 'telephoneNumber'>;

/**
 * The port object with its per-number outcomes grouped: a 20,000-number port whose numbers
 * share a few outcomes stays a few hundred KiB (Temporal refuses a memo over 2 MiB). The most
 * common outcome is `outcome`; `exceptions` name the positions (in `telephoneNumbers`) of the others.
 */
export interface PortMemo extends Omit<PortObject, 'numbers'> {
  outcome: Outcome;
  exceptions: { outcome: Outcome; at: number[] }[];
  /**
   * The numbers taken out of the port, in the order `numbers` lists them after those of
   * `telephoneNumbers`: positions past `telephoneNumbers` name them. Absent when none was.
   */
  removedNumbers?: string[];
}

function outcomeOf({ telephoneNumber: _number, ...outcome }: PortNumberOutcome): Outcome {
  return outcome;
}

export function toPortMemo(port: PortObject): PortMemo {
  const { numbers, ...rest } = port;
  const groups = new Map<string, { outcome: Outcome; at: number[] }>();
  numbers.forEach((number, index) => {
    const outcome = outcomeOf(number);
    const key = JSON.stringify(outcome);
    const group = groups.get(key);
    if (group) group.at.push(index);
    else groups.set(key, { outcome, at: [index] });
  });
  const [common, ...exceptions] = [...groups.values()].sort((a, b) => b.at.length - a.at.length);
  const removed = numbers.slice(port.telephoneNumbers.length).map((n) => n.telephoneNumber);
  return {
    ...rest,
    outcome: common?.outcome ?? { status: 'PENDING' },
    exceptions,
    ...(removed.length > 0 ? { removedNumbers: removed } : {}),
  };
}

export function fromPortMemo(memo: PortMemo): PortObject {
  const { outcome, exceptions, removedNumbers = [], ...rest } = memo;
  const listed = [...memo.telephoneNumbers, ...removedNumbers];
  const outcomes: Outcome[] = listed.map(() => outcome);
  for (const group of exceptions) for (const index of group.at) outcomes[index] = group.outcome;
  return {
    ...rest,
    numbers: listed.map((telephoneNumber, index) => ({
      telephoneNumber,
      ...(outcomes[index] as Outcome),
    })),
  };
}

/**
 * The port as it stands when it is received: the API answers it (and keeps it in the memo it
 * starts the workflow with) before any worker has run it; the workflow starts from the same.
 */
export function receivedPort(input: {
  portRequestId: string;
  request: PortRequest;
  receivedAt: string;
  numbersHeld: boolean;
}): PortObject {
  const { request, receivedAt } = input;
  const phase = input.numbersHeld ? 'CHECKING' : 'ADMITTING';
  return {
    portRequestId: input.portRequestId,
    status: 'PENDING',
    phase,
    telephoneNumbers: request.telephoneNumbers,
    accountId: request.accountId,
    currentProvider: request.currentProvider,
    requestedDate: request.requestedDate,
    allowPartial: request.allowPartial ?? false,
    activation: request.activation && { ...request.activation, status: 'WAITING' },
    numbers: request.telephoneNumbers.map((telephoneNumber) => ({
      telephoneNumber,
      status: 'PENDING',
    })),
    history: [
      {
        at: receivedAt,
        status: 'PENDING',
        phase,
        detail: input.numbersHeld
          ? 'received: checking portability'
          : `received: holding ${request.telephoneNumbers.length} numbers`,
      },
    ],
    createdDate: receivedAt,
  };
}
