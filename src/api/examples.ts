/**
 * The OpenAPI document's examples: whole request and answer bodies in the words of the seed guide
 * (`phone-number-management-guide.md`), changed only where portflow's rules refuse the guide's
 * own values, each change said beside it. Every example is checked against the schema of the
 * route it documents by test/api/openapi-examples.test.ts, on the guide's day (`SEED_DAY`).
 */
import type { z } from 'zod';
import type {
  OrderProgress,
  PortObject,
  ReleaseObject,
  e911Address,
  numberUpdate,
  portRequest,
  portSupplement,
} from '../domain';
import type { PortComment, PortCommentRequest, PortCommentsAnswer } from '../domain/comment';
import type { WebhookEventEntry, WebhookEventLog } from '../domain/webhook-event-log';
import type { ErrorBody } from './errors';

/** An OpenAPI Example Object: one whole body, named in the document by its key. */
export interface Example<T> {
  summary: string;
  value: T;
}
export type Examples<T> = Record<string, Example<T>>;

/** When the guide's examples happen: its port is submitted then, its order placed then. */
export const SEED_DAY = '2025-12-18T10:30:00Z';

/*
 * The guide's numbers are +1 607-123-4567 and on: exchange 123 starts with 1, which NANP (and so
 * portflow) refuses. They keep the guide's line digits in exchange 723, a Binghamton exchange of
 * the emulator (whose inventory holds its lines 1000-1999 only, so there an order of these answers
 * them FAILED). The guide's toll-free +1 800-123-4567 is 800-223-4567, the nearest exchange NANP allows.
 */
const NUMBER = '+16077234567';
const SECOND_NUMBER = '+16077234568';
const THIRD_NUMBER = '+16077234569';
const TOLL_FREE_NUMBER = '+18002234567';

const ACCOUNT_ID = 'acc_123';
const FRONT_ST = {
  street: '135 Front St',
  city: 'Binghamton',
  state: 'NY',
  zipCode: '13905',
} as const;
const E911_ADDRESS: z.input<typeof e911Address> = { ...FRONT_ST, location: 'Suite 200' };

/*
 * The guide asks for 2025-12-25, Christmas Day: a federal holiday, which no carrier ports on. The
 * next business day is one the emulator's AT&T accepts too (3 business days from the guide's day).
 * Any fixed date falls behind the 7-day rule in time, so the contract test does not send it.
 */
const REQUESTED_DATE = '2025-12-26';

/** The guide's port request body. */
const seedPortRequest: z.input<typeof portRequest> = {
  telephoneNumbers: [NUMBER],
  accountId: ACCOUNT_ID,
  subscriber: {
    firstName: 'John',
    lastName: 'Doe',
    companyName: 'Acme Corporation',
    authorizedName: 'John Doe',
  },
  serviceAddress: FRONT_ST,
  billingTelephoneNumber: NUMBER,
  accountNumber: '123456789',
  pin: '1234',
  requestedDate: REQUESTED_DATE,
  currentProvider: 'AT&T',
};

export const portRequestExamples: Examples<z.input<typeof portRequest>> = {
  seed: { summary: "The guide's port request", value: seedPortRequest },
  assignOnCompletion: {
    summary: "The guide's port request, assigned to the guide's user with E911 once it completes",
    value: {
      ...seedPortRequest,
      activation: {
        target: { type: 'USER', userId: 'user_xyz' },
        primary: true,
        e911Address: E911_ADDRESS,
        callerIdName: 'ACME CORP',
      },
    },
  },
};

/** A corrected PIN after the carrier rejected the guide's port with PIN_INVALID. */
export const portSupplementExamples: Examples<z.input<typeof portSupplement>> = {
  correctedPin: {
    summary: 'The PIN corrected after a PIN_INVALID rejection',
    value: { pin: '5678' },
  },
};

/* The guide's port answer is `port_abc123`: portflow's own IDs start `pr_`; the guide's ID is
   then the platform's, `upstreamPortRequestId`. */
const PORT_REQUEST_ID = 'pr_abc123';
const RECEIVED = '2025-12-18T10:29:58.412Z';

const receivedPort: PortObject = {
  portRequestId: PORT_REQUEST_ID,
  status: 'PENDING',
  phase: 'CHECKING',
  telephoneNumbers: [NUMBER],
  accountId: ACCOUNT_ID,
  currentProvider: 'AT&T',
  requestedDate: REQUESTED_DATE,
  allowPartial: false,
  numbers: [{ telephoneNumber: NUMBER, status: 'PENDING' }],
  history: [
    {
      at: RECEIVED,
      status: 'PENDING',
      phase: 'CHECKING',
      detail: 'received: checking portability',
    },
  ],
  createdDate: RECEIVED,
};

const submittedNumber: PortObject['numbers'][number] = {
  telephoneNumber: NUMBER,
  currentCarrier: 'AT&T',
  portable: true,
  status: 'PENDING',
  upstreamPortRequestId: 'port_abc123',
};

/** The guide's port once submitted: its answer's `submittedDate` and dates. */
const submittedPort: PortObject = {
  ...receivedPort,
  phase: 'AWAITING_CARRIER',
  submittedDate: SEED_DAY,
  estimatedCompletionDate: REQUESTED_DATE,
  numbers: [submittedNumber],
  history: [
    ...receivedPort.history,
    {
      at: '2025-12-18T10:29:59.730Z',
      status: 'PENDING',
      phase: 'SUBMITTING',
      detail: 'submitting to 1 losing carrier(s)',
    },
    {
      at: '2025-12-18T10:30:00.204Z',
      status: 'PENDING',
      phase: 'AWAITING_CARRIER',
      detail: 'submitted: waiting for the losing carrier',
    },
  ],
};

export const portAcceptedExamples: Examples<PortObject> = {
  received: {
    summary: "The guide's port, received: its numbers are checked next",
    value: receivedPort,
  },
};

/** The guide's port, approved by AT&T with its FOC date. */
const approvedPort: PortObject = {
  ...submittedPort,
  status: 'APPROVED',
  focDate: REQUESTED_DATE,
  numbers: [{ ...submittedNumber, status: 'APPROVED', focDate: REQUESTED_DATE }],
  history: [
    ...submittedPort.history,
    {
      at: '2025-12-22T14:00:00.000Z',
      status: 'APPROVED',
      phase: 'AWAITING_CARRIER',
      detail: `approved by the losing carrier: FOC date ${REQUESTED_DATE}`,
    },
  ],
};

export const portExamples: Examples<PortObject> = {
  pending: { summary: "The guide's port, submitted and waiting for AT&T", value: submittedPort },
  approved: {
    summary: "The guide's port, approved by AT&T with its FOC date",
    value: approvedPort,
  },
  approvedOnAlianza: {
    summary:
      "The guide's port on Alianza (PLATFORM_KIND=alianza): its FOC date is a day in the PortX's focDateTimeZone",
    value: {
      ...approvedPort,
      focDateTimeZone: 'US/Eastern',
      numbers: [
        {
          ...submittedNumber,
          status: 'APPROVED',
          carrierStatus: 'PORT_PENDING / FOC_RECEIVED',
          upstreamPortRequestId: '6f1c2b9e-3d4a-4c2e-9b1a-2f7d8e5c4a10',
          focDate: REQUESTED_DATE,
        },
      ],
    },
  },
};

export const cancelledPortExamples: Examples<PortObject> = {
  cancelled: {
    summary: "The guide's port, cancelled before the carrier approved it",
    value: {
      ...submittedPort,
      status: 'CANCELLED',
      phase: 'DONE',
      numbers: [{ ...submittedNumber, status: 'CANCELLED' }],
      history: [
        ...submittedPort.history,
        {
          at: '2025-12-19T09:15:00.000Z',
          status: 'CANCELLED',
          phase: 'DONE',
          detail: 'cancelled',
        },
      ],
    },
  },
};

export const numberRemovedPortExamples: Examples<PortObject> = {
  removed: {
    summary: "The guide's port of two numbers, the second taken out before the carrier approved it",
    value: {
      ...submittedPort,
      telephoneNumbers: [NUMBER],
      numbers: [
        submittedNumber,
        {
          telephoneNumber: SECOND_NUMBER,
          currentCarrier: 'AT&T',
          portable: true,
          status: 'REMOVED',
          reason: `removed from the port by the client: withdrawn from AT&T's request`,
          removedAt: '2025-12-19T09:15:00.000Z',
        },
      ],
      history: [
        ...submittedPort.history,
        {
          at: '2025-12-19T09:15:00.000Z',
          status: 'PENDING',
          phase: 'AWAITING_CARRIER',
          detail: `${SECOND_NUMBER} removed from the port: withdrawn from AT&T's request`,
        },
      ],
    },
  },
};

const customerComment: PortComment = {
  commentId: 'cmt_1',
  text: 'The customer can take the FOC date.',
  author: { type: 'PARTITION', partitionId: 'p1', name: 'Jane at Acme support' },
  createdAt: '2025-12-19T09:15:00.000Z',
};

export const portCommentRequestExamples: Examples<PortCommentRequest> = {
  comment: {
    summary: "A comment on the guide's port",
    value: { text: customerComment.text, authorName: 'Jane at Acme support' },
  },
};

export const portCommentExamples: Examples<PortComment> = {
  comment: { summary: 'The comment as the port keeps it', value: customerComment },
};

export const portCommentsExamples: Examples<PortCommentsAnswer> = {
  thread: {
    summary: "The guide's port: the customer's comment and the losing carrier's answer",
    value: {
      portRequestId: PORT_REQUEST_ID,
      comments: [
        customerComment,
        {
          commentId: 'cmt_2',
          text: 'FOC confirmed for the requested date.',
          author: { type: 'CARRIER', carrier: 'AT&T', name: 'AT&T porting desk' },
          createdAt: '2025-12-19T11:02:00.000Z',
          carrierCommentId: 'c_1',
          carrierCreatedAt: '2025-12-19T11:00:00.000Z',
        },
      ],
      total: 2,
      complete: true,
    },
  },
};

export const supplementedPortExamples: Examples<PortObject> = {
  resubmitting: {
    summary: "The guide's port, rejected for its PIN, resubmitted with the corrected one",
    value: {
      ...submittedPort,
      phase: 'SUBMITTING',
      history: [
        ...submittedPort.history,
        {
          at: '2025-12-19T16:02:00.000Z',
          status: 'REJECTED',
          phase: 'AWAITING_SUPPLEMENT',
          detail: 'PIN does not match the account',
        },
        {
          at: '2025-12-19T16:40:00.000Z',
          status: 'PENDING',
          phase: 'SUBMITTING',
          detail: 'supplement received (pin): resubmitting',
        },
      ],
    },
  },
};

export const activatedPortExamples: Examples<PortObject> = {
  activated: {
    summary: 'An ON_DEMAND port of the guide, activated on its FOC date',
    value: {
      ...submittedPort,
      status: 'COMPLETED',
      phase: 'DONE',
      focDate: REQUESTED_DATE,
      activation: { mode: 'ON_DEMAND', status: 'ACTIVATED' },
      numbers: [{ ...submittedNumber, status: 'COMPLETED', focDate: REQUESTED_DATE }],
      history: [
        ...submittedPort.history,
        {
          at: '2025-12-26T15:04:00.000Z',
          status: 'COMPLETED',
          phase: 'DONE',
          detail: 'ported',
        },
      ],
    },
  },
};

export const portListExamples = {
  seed: {
    summary: "The partition's ports: the guide's one",
    value: {
      ports: [
        {
          portRequestId: PORT_REQUEST_ID,
          status: 'PENDING',
          telephoneNumbers: [NUMBER],
          accountId: ACCOUNT_ID,
          currentProvider: 'AT&T',
          requestedDate: REQUESTED_DATE,
          createdDate: RECEIVED,
        },
      ],
    },
  },
} satisfies Examples<unknown>;

/** The guide's portability answer. */
export const portabilityExamples = {
  seed: {
    summary: "The guide's number, portable from AT&T",
    value: {
      telephoneNumber: NUMBER,
      portable: true,
      currentCarrier: 'AT&T',
      lineType: 'BUSINESS',
      estimatedDays: 7,
    },
  },
} satisfies Examples<unknown>;

export const focDatesExamples = {
  seed: {
    summary: "The first FOC dates AT&T accepts for the guide's number on the guide's day",
    value: {
      focDates: [
        {
          telephoneNumber: NUMBER,
          currentCarrier: 'AT&T',
          portType: 'NON_SIMPLE',
          earliestFocDate: '2025-12-23',
          allowedFocDates: ['2025-12-23', '2025-12-24', '2025-12-26', '2025-12-29', '2025-12-30'],
          blackoutDates: [],
        },
      ],
    },
  },
  alianza: {
    summary:
      "On Alianza: prevalidate's earliestCRD and latestCRD, and the dates of its availabilityList between them (a window cut short here)",
    value: {
      focDates: [
        {
          telephoneNumber: NUMBER,
          currentCarrier: 'AT&T',
          earliestFocDate: '2025-12-29',
          latestFocDate: '2026-01-06',
          allowedFocDates: ['2025-12-29', '2025-12-30', '2026-01-02', '2026-01-05', '2026-01-06'],
          blackoutDates: ['2025-12-31'],
        },
      ],
    },
  },
} satisfies Examples<unknown>;

export const carrierEventExamples = {
  approved: {
    summary: "AT&T's word that it approved the guide's port",
    value: { upstreamPortRequestId: 'port_abc123', status: 'APPROVED', detail: 'FOC 2025-12-26' },
  },
} satisfies Examples<unknown>;

export const carrierEventAcceptedExamples = {
  accepted: { summary: 'portflow looks at the carrier now', value: { accepted: true } },
} satisfies Examples<unknown>;

/** The guide's search answer. */
export const searchExamples = {
  seed: {
    summary: "The guide's 607 numbers of Binghamton, NY",
    value: {
      telephoneNumbers: [NUMBER, SECOND_NUMBER].map((telephoneNumber) => ({
        telephoneNumber,
        formatted: `(607) 723-${telephoneNumber.slice(-4)}`,
        npa: '607',
        nxx: '723',
        line: telephoneNumber.slice(-4),
        rateCenter: 'BINGHAMTON',
        state: 'NY',
        lata: '132',
        available: true,
      })),
    },
  },
} satisfies Examples<unknown>;

export const tollFreeSearchExamples = {
  seed: {
    summary: 'A toll-free number matching the guide\'s pattern "*1234"',
    value: {
      telephoneNumbers: [
        {
          telephoneNumber: '+18002221234',
          formatted: '(800) 222-1234',
          npa: '800',
          nxx: '222',
          line: '1234',
          available: true,
        },
      ],
    },
  },
} satisfies Examples<unknown>;

export const orderRequestExamples = {
  seed: {
    summary: "The guide's order from search results",
    value: { telephoneNumbers: [NUMBER], accountId: ACCOUNT_ID },
  },
  bulk: {
    summary: "The guide's bulk order",
    value: { telephoneNumbers: [NUMBER, SECOND_NUMBER, THIRD_NUMBER], accountId: ACCOUNT_ID },
  },
} satisfies Examples<unknown>;

export const tollFreeOrderRequestExamples = {
  seed: {
    summary: "The guide's toll-free order",
    value: { telephoneNumber: TOLL_FREE_NUMBER, accountId: ACCOUNT_ID },
  },
} satisfies Examples<unknown>;

function completedOrder(telephoneNumbers: string[]): OrderProgress {
  return {
    orderId: 'order_xyz789',
    status: 'COMPLETED',
    accountId: ACCOUNT_ID,
    total: telephoneNumbers.length,
    ordered: telephoneNumbers.length,
    failed: 0,
    telephoneNumbers: telephoneNumbers.map((telephoneNumber) => ({
      telephoneNumber,
      status: 'ACTIVE',
      accountId: ACCOUNT_ID,
      orderedDate: SEED_DAY,
    })),
    createdDate: '2025-12-18T10:29:59.870Z',
    completedDate: SEED_DAY,
  };
}

/** The order as it stands before every number was placed: a 202 names it so. */
function orderInProgress(telephoneNumbers: string[], ordered: number): OrderProgress {
  const { completedDate: _notYet, ...order } = completedOrder(telephoneNumbers);
  return {
    ...order,
    status: 'IN_PROGRESS',
    ordered,
    telephoneNumbers: order.telephoneNumbers.map((number, index) =>
      index < ordered ? number : { telephoneNumber: number.telephoneNumber, status: 'PENDING' },
    ),
  };
}

/** The guide's order answer (200: finished within the wait), and one still going (202). */
export const orderExamples: Examples<OrderProgress> = {
  seed: { summary: "The guide's order, completed", value: completedOrder([NUMBER]) },
};
export const orderInProgressExamples: Examples<OrderProgress> = {
  bulk: {
    summary: "The guide's bulk order, still being placed",
    value: orderInProgress([NUMBER, SECOND_NUMBER, THIRD_NUMBER], 1),
  },
};
export const tollFreeOrderExamples: Examples<OrderProgress> = {
  seed: {
    summary: "The guide's toll-free order, completed",
    value: completedOrder([TOLL_FREE_NUMBER]),
  },
};
export const tollFreeOrderInProgressExamples: Examples<OrderProgress> = {
  seed: {
    summary: "The guide's toll-free order, still being placed",
    value: orderInProgress([TOLL_FREE_NUMBER], 0),
  },
};

/** The guide's number details. */
const numberDetails = {
  telephoneNumber: NUMBER,
  formatted: '(607) 723-4567',
  npa: '607',
  nxx: '723',
  status: 'ACTIVE',
  accountId: ACCOUNT_ID,
  assignedTo: 'user_xyz789',
  assignmentType: 'END_USER',
  e911: { registered: true, address: E911_ADDRESS },
  directoryListing: {
    listed: true,
    name: 'Acme Corporation',
    address: '135 Front St, Binghamton, NY',
  },
  callerIdName: 'ACME CORP',
} as const;

export const numberExamples = {
  seed: {
    summary: "The guide's number details, with its lifecycle",
    value: { ...numberDetails, lifecycle: 'ACTIVE' },
  },
  porting: {
    summary: "The guide's number while its port is open: not the partition's yet",
    value: {
      telephoneNumber: NUMBER,
      formatted: '(607) 723-4567',
      npa: '607',
      nxx: '723',
      status: 'PORTING',
      accountId: null,
      lifecycle: 'PORTING',
      openOperation: {
        operation: 'PORT',
        heldBy: `port-p1-${PORT_REQUEST_ID}`,
        since: RECEIVED,
        portRequestId: PORT_REQUEST_ID,
      },
    },
  },
} satisfies Examples<unknown>;

/** The guide's number update body. */
export const numberUpdateExamples: Examples<z.input<typeof numberUpdate>> = {
  seed: {
    summary: "The guide's update: caller ID, E911 location, unlisted",
    value: {
      callerIdName: 'ACME SUPPORT',
      e911Address: { ...FRONT_ST, location: 'Suite 300' },
      directoryListing: { listed: false },
    },
  },
  listed: {
    summary: "The guide's directory listing",
    value: {
      directoryListing: {
        listed: true,
        name: 'Acme Corporation',
        address: '135 Front St, Binghamton, NY',
      },
    },
  },
};

export const updatedNumberExamples = {
  seed: {
    summary: "The guide's number after the guide's update",
    value: {
      ...numberDetails,
      e911: { registered: true, address: { ...FRONT_ST, location: 'Suite 300' } },
      directoryListing: { listed: false },
      callerIdName: 'ACME SUPPORT',
      lifecycle: 'ACTIVE',
    },
  },
} satisfies Examples<unknown>;

const AGING_STARTED = '2025-12-18T10:30:02.118Z';
const releasing: ReleaseObject = {
  telephoneNumber: NUMBER,
  accountId: null,
  status: 'RELEASING',
  agingPeriodDays: 90,
  removed: [],
  history: [],
};

export const releaseStartedExamples: Examples<ReleaseObject> = {
  releasing: { summary: "The guide's number, being cleared", value: releasing },
  releasingOnAlianza: {
    summary:
      "The guide's number on Alianza, being cleared: it will age the partition's tnDeleteCooldownDays",
    value: { ...releasing, agingPeriodDays: 30, platformCooldownDays: 30 },
  },
};

/** The guide's number cleared as the guide says (assignments, E911, listing), aging 90 days. */
const aging: ReleaseObject = {
  ...releasing,
  accountId: ACCOUNT_ID,
  status: 'AGING',
  lineType: 'BUSINESS',
  agingStartedDate: AGING_STARTED,
  agingUntil: '2026-03-18T10:30:02.118Z',
  removed: [
    'assignment to END_USER user_xyz789',
    'E911 registration',
    'directory listing',
    'caller ID name',
  ],
  history: [
    {
      at: AGING_STARTED,
      status: 'AGING',
      detail:
        'cleared (assignment to END_USER user_xyz789, E911 registration, directory listing, caller ID name): aging until 2026-03-18T10:30:02.118Z',
    },
  ],
};

/** On Alianza the period is the partition's cooldown, whatever the number's line type. */
const { lineType: _lineType, ...agingOfAnyLine } = aging;

export const releaseExamples: Examples<ReleaseObject> = {
  aging: { summary: "The guide's number, cleared and aging 90 days", value: aging },
  agingOnAlianza: {
    summary:
      "The guide's number on Alianza: given up, it ages in the platform's COOLDOWN of the partition's 30 days",
    value: {
      ...agingOfAnyLine,
      agingPeriodDays: 30,
      platformCooldownDays: 30,
      agingUntil: '2026-01-17T10:30:02.118Z',
      history: [
        {
          at: AGING_STARTED,
          status: 'AGING',
          detail:
            "cleared (assignment to END_USER user_xyz789, E911 registration, directory listing, caller ID name) and given up to the platform, which keeps it in COOLDOWN for the partition's 30 day(s): aging until 2026-01-17T10:30:02.118Z",
        },
      ],
    },
  },
};

export const reclaimedExamples: Examples<ReleaseObject> = {
  reclaimed: {
    summary: "The guide's number, reclaimed during aging",
    value: {
      ...aging,
      status: 'RECLAIMED',
      reclaimedDate: '2025-12-20T08:00:00.000Z',
      history: [
        ...aging.history,
        {
          at: '2025-12-20T08:00:00.000Z',
          status: 'RECLAIMED',
          detail: 'reclaimed during aging: kept by account acc_123, unassigned',
        },
      ],
    },
  },
};

/** The guide's account listing. */
export const accountNumberExamples = {
  seed: {
    summary: "The guide's account numbers, with their lifecycle",
    value: [
      {
        telephoneNumber: NUMBER,
        formatted: '(607) 723-4567',
        assignedTo: 'user_xyz789',
        assignmentType: 'END_USER',
        primary: true,
        status: 'ACTIVE',
        e911Registered: true,
        lifecycle: 'ACTIVE',
      },
      {
        telephoneNumber: SECOND_NUMBER,
        formatted: '(607) 723-4568',
        assignedTo: 'ivr_abc123',
        assignmentType: 'IVR',
        primary: false,
        status: 'ACTIVE',
        e911Registered: true,
        lifecycle: 'ACTIVE',
      },
    ],
  },
} satisfies Examples<unknown>;

/** The guide's assignment bodies: to a user or device line with E911, or to a service. */
export const lineAssignmentExamples = {
  seed: {
    summary: "The guide's assignment with E911",
    value: { telephoneNumber: NUMBER, primary: true, e911Address: E911_ADDRESS },
  },
} satisfies Examples<unknown>;
export const serviceAssignmentExamples = {
  seed: { summary: "The guide's service assignment", value: { telephoneNumber: NUMBER } },
} satisfies Examples<unknown>;

/** The assigned number as the account listing shows it, by where it went. */
export function assignedExamples(assignmentType: string, assignedTo: string, primary: boolean) {
  return {
    seed: {
      summary: `The guide's number, assigned to ${assignedTo}`,
      value: {
        telephoneNumber: NUMBER,
        formatted: '(607) 723-4567',
        assignedTo,
        assignmentType,
        primary,
        status: 'ACTIVE',
        e911Registered: primary,
        accountId: ACCOUNT_ID,
      },
    },
  } satisfies Examples<unknown>;
}

export const unassignedExamples = {
  seed: {
    summary: "The guide's number, unassigned",
    value: {
      telephoneNumber: NUMBER,
      formatted: '(607) 723-4567',
      assignedTo: null,
      assignmentType: null,
      primary: false,
      status: 'ACTIVE',
      e911Registered: false,
    },
  },
} satisfies Examples<unknown>;

/** The platform's signed notification that the guide's port was approved. */
export const platformNotificationExamples = {
  approved: {
    summary: "The platform's notification that AT&T approved the guide's port",
    value: {
      id: 'ntf_0001',
      type: 'port.status_changed',
      partitionId: 'p1',
      portRequestId: 'port_abc123',
      customerReference: PORT_REQUEST_ID,
      status: 'APPROVED',
      at: '2025-12-22T14:00:00Z',
      focDate: REQUESTED_DATE,
    },
  },
} satisfies Examples<unknown>;
export const nudgedExamples = {
  nudged: { summary: 'The port it names looks at the platform now', value: { nudged: true } },
} satisfies Examples<unknown>;

/** Temporal's remote-codec bodies: the guide's port input as the Web UI or CLI sends it. */
const jsonPayload = {
  metadata: { encoding: Buffer.from('json/plain').toString('base64') },
  data: Buffer.from(JSON.stringify({ telephoneNumbers: [NUMBER] })).toString('base64'),
};
export const encodeRequestExamples = {
  json: {
    summary: 'One JSON payload (metadata and data in base64, as protojson)',
    value: { payloads: [jsonPayload] },
  },
} satisfies Examples<unknown>;
export const encodeAnswerExamples = {
  encrypted: {
    summary: 'The payload encrypted (AES-256-GCM) with the active key, `k1`',
    value: {
      payloads: [
        {
          metadata: {
            encoding: Buffer.from('binary/encrypted').toString('base64'),
            'encryption-key-id': Buffer.from('k1').toString('base64'),
          },
          data: 'q83vASNFZ4mrze8BI0VniavN7wEjRWeJq83vASNFZ4mrze8BI0VniavN7wEjRWeJ',
        },
      ],
    },
  },
} satisfies Examples<unknown>;
/*
 * A decode example is a payload portflow did not encrypt, which comes back as it is: an
 * encrypted one decodes only where its key is, and the contract test sends every example.
 */
export const decodeRequestExamples = {
  json: {
    summary: 'A JSON payload, not encrypted: answered as it is',
    value: { payloads: [jsonPayload] },
  },
  empty: {
    summary: 'No payloads (`{}`), as the Temporal CLI sends an event without any',
    value: {},
  },
} satisfies Examples<unknown>;
export const decodeAnswerExamples = {
  json: {
    summary: 'The payload decrypted (a PIN or account number in it reads [REDACTED])',
    value: { payloads: [jsonPayload] },
  },
} satisfies Examples<unknown>;

export const sessionExamples = {
  signedIn: {
    summary: 'Signed in for 8 hours',
    value: { expiresAt: '2025-12-18T18:30:00.000Z' },
  },
} satisfies Examples<unknown>;

/** The API's one error body for each error status, as the guide's own requests meet them. */
export const ERROR_EXAMPLES = {
  400: {
    summary: "The guide's own number, which NANP refuses",
    value: {
      error: {
        code: 'VALIDATION_FAILED',
        message: 'Invalid body: telephoneNumbers.0',
        details: [
          {
            in: 'body',
            field: 'telephoneNumbers.0',
            message:
              'must be an E.164 NANP number: +1, then a 3-digit area code and a 7-digit number whose first digits are 2-9',
          },
        ],
      },
    },
  },
  401: {
    summary: 'No X-AUTH-TOKEN',
    value: {
      error: {
        code: 'UNAUTHORIZED',
        message: 'A valid X-AUTH-TOKEN header is required',
        details: null,
      },
    },
  },
  403: {
    summary: 'A token of another partition',
    value: {
      error: {
        code: 'FORBIDDEN',
        message: 'This token may not use partition p2',
        details: null,
      },
    },
  },
  404: {
    summary: 'No such port in this partition',
    value: {
      error: { code: 'NOT_FOUND', message: `No port ${PORT_REQUEST_ID}`, details: null },
    },
  },
  409: {
    summary: "The guide's number, held by its open port",
    value: {
      error: {
        code: 'NUMBER_BUSY',
        message: `Busy with another open operation: ${NUMBER} (PORT ${PORT_REQUEST_ID})`,
        details: [
          {
            telephoneNumber: NUMBER,
            operation: 'PORT',
            heldBy: `port-p1-${PORT_REQUEST_ID}`,
            since: RECEIVED,
            portRequestId: PORT_REQUEST_ID,
          },
        ],
      },
    },
  },
  413: {
    summary: 'A body over the limit',
    value: {
      error: {
        code: 'PAYLOAD_TOO_LARGE',
        message: 'Request body is too large',
        details: null,
      },
    },
  },
  414: {
    summary: 'A path parameter over 200 characters',
    value: {
      error: {
        code: 'URI_TOO_LONG',
        message: 'A path parameter is longer than 200 characters',
        details: null,
      },
    },
  },
  415: {
    summary: 'A body that is not JSON',
    value: {
      error: {
        code: 'UNSUPPORTED_MEDIA_TYPE',
        message: 'The body must be JSON, sent as application/json',
        details: [{ in: 'headers', field: 'content-type', message: 'must be application/json' }],
      },
    },
  },
  429: {
    summary: "Over the token's rate limit",
    value: {
      error: {
        code: 'RATE_LIMITED',
        message: 'Too many requests: retry in 1 minute',
        details: { limitPerMinute: 600 },
      },
    },
  },
  431: {
    summary: 'Headers over 16 KB',
    value: {
      error: {
        code: 'HEADERS_TOO_LARGE',
        message: 'The request line and headers are too large',
        details: null,
      },
    },
  },
  501: {
    summary: 'FOC dates asked of a platform without them',
    value: {
      error: {
        code: 'FEATURE_UNAVAILABLE',
        message: 'The platform has no FOC dates: this feature is unavailable against it',
        details: null,
      },
    },
  },
  502: {
    summary: 'The platform refused the call',
    value: {
      error: {
        code: 'PLATFORM_BAD_RESPONSE',
        message: 'The number platform gave an answer portflow cannot read',
        details: null,
      },
    },
  },
  503: {
    summary: 'The platform does not answer',
    value: {
      error: {
        code: 'PLATFORM_UNAVAILABLE',
        message: 'The number platform is unavailable: try again later',
        details: null,
      },
    },
  },
} satisfies Record<number, Example<ErrorBody>>;

// ---- Webhook event logs: what portflow sent of a port, an order or a release, and how it went. ----

const PORT_WORKFLOW_ID = `port-p1-${PORT_REQUEST_ID}`;

/** The guide's port approved: its event, refused twice and then taken. */
const approvedEvent: WebhookEventEntry = {
  id: `${PORT_WORKFLOW_ID}-event-4`,
  type: 'port.status_changed',
  occurredAt: '2025-12-19T09:00:00.000Z',
  data: {
    portRequestId: PORT_REQUEST_ID,
    status: 'APPROVED',
    phase: 'AWAITING_CARRIER',
    detail: 'approved by the losing carrier: FOC date 2025-12-26',
    telephoneNumbers: [NUMBER],
  },
  outcome: 'DELIVERED',
  attempts: [
    {
      at: '2025-12-19T09:00:00.012Z',
      durationMs: 48,
      httpStatus: 500,
      nextAttemptAt: '2025-12-19T09:00:05.060Z',
    },
    {
      at: '2025-12-19T09:00:05.071Z',
      durationMs: 10_002,
      error: 'UND_ERR_HEADERS_TIMEOUT: Headers Timeout Error',
      nextAttemptAt: '2025-12-19T09:05:15.073Z',
    },
    { at: '2025-12-19T09:05:15.080Z', durationMs: 37, httpStatus: 204 },
  ],
  redeliveries: [],
};

/** The guide's port completed, its receiver down: every attempt of the schedule failed. */
const completedEvent: WebhookEventEntry = {
  id: `${PORT_WORKFLOW_ID}-event-6`,
  type: 'port.status_changed',
  occurredAt: '2025-12-26T15:00:00.000Z',
  data: {
    portRequestId: PORT_REQUEST_ID,
    status: 'COMPLETED',
    phase: 'DONE',
    detail: 'ported',
    telephoneNumbers: [NUMBER],
  },
  outcome: 'FAILED',
  attempts: [
    {
      at: '2025-12-26T15:00:00.010Z',
      durationMs: 3,
      error: 'ECONNREFUSED: connect ECONNREFUSED 203.0.113.7:443',
      nextAttemptAt: '2025-12-26T15:00:05.013Z',
    },
    {
      at: '2025-12-26T15:00:05.020Z',
      durationMs: 41,
      httpStatus: 503,
      nextAttemptAt: '2025-12-26T15:05:05.061Z',
    },
    { at: '2025-12-26T15:05:05.070Z', durationMs: 39, httpStatus: 503 },
  ],
  redeliveries: [],
};

const redeliveredEvent: WebhookEventEntry = {
  ...completedEvent,
  outcome: 'PENDING',
  redeliveries: [
    {
      redeliveryId: 'rdl_5f0c2a9e41d7b6c83a19e2',
      requestedAt: '2025-12-29T08:00:00.000Z',
      outcome: 'PENDING',
    },
  ],
};

export const portEventsExamples: Examples<WebhookEventLog & { portRequestId: string }> = {
  port: {
    summary:
      "The guide's port (WEBHOOK_RETRY_SCHEDULE=5s,5m): an event taken at its third attempt, one that used up its retries",
    value: {
      portRequestId: PORT_REQUEST_ID,
      events: [approvedEvent, completedEvent],
      total: 2,
      complete: true,
    },
  },
};

export const redeliveryExamples: Examples<WebhookEventEntry> = {
  redelivery: {
    summary: "The guide's port's COMPLETED event, sent again: its redelivery under way",
    value: redeliveredEvent,
  },
};

export const orderEventsExamples: Examples<WebhookEventLog & { orderId: string }> = {
  order: {
    summary: "The guide's order: order.completed, delivered at once",
    value: {
      orderId: 'order_xyz789',
      events: [
        {
          id: 'order-p1-order_xyz789-completed',
          type: 'order.completed',
          occurredAt: SEED_DAY,
          data: {
            orderId: 'order_xyz789',
            status: 'COMPLETED',
            accountId: ACCOUNT_ID,
            total: 1,
            ordered: 1,
            failed: 0,
            failures: [],
          },
          outcome: 'DELIVERED',
          attempts: [{ at: '2025-12-18T10:30:00.020Z', durationMs: 52, httpStatus: 200 }],
          redeliveries: [],
        },
      ],
      total: 1,
      complete: true,
    },
  },
};

const { history: _history, removed: _removed, ...agingData } = aging;

export const releaseEventsExamples: Examples<WebhookEventLog & { telephoneNumber: string }> = {
  aging: {
    summary: "The guide's number aging, in a partition without a webhook: nothing was sent",
    value: {
      telephoneNumber: NUMBER,
      events: [
        {
          id: `release-p1-${NUMBER}/0196f3b2-7c1e-7a51-9d3e-2b8c4f6a1e90/number.aging_started`,
          type: 'number.aging_started',
          occurredAt: AGING_STARTED,
          data: agingData,
          outcome: 'NOT_CONFIGURED',
          attempts: [],
          redeliveries: [],
        },
      ],
      total: 1,
      complete: true,
    },
  },
};
