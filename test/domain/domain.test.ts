import fc from 'fast-check';
import { z } from 'zod';
import {
  addBusinessDays,
  federalHolidays,
  isBusinessDay,
  matchesPattern,
  numberSearchQuery,
  numberUpdate,
  orderRequest,
  orderResult,
  portRequest,
  portabilityCheck,
  platformPort,
  requestedDateProblem,
  telephoneNumber,
  telephoneNumberInQuery,
  subscriber,
  isIsoDate,
  tollFreeOrderRequest,
  lineAssignmentBody,
  serviceAssignmentBody,
  numberDetails,
  accountNumberList,
  numberSearchResult,
  callerIdName,
  aggregatePortStatus,
  portObject,
  type PortNumberOutcome,
  type PortObject,
} from '../../src/domain';
import { fromPortMemo, receivedPort, toPortMemo } from '../../src/domain/port-memo';
import { parseDuration } from '../../src/domain/duration';
import { UNKNOWN_CARRIER, unmatchedProvider } from '../../src/domain/portability';

// The seed's sample numbers (+1607123xxxx) break NANP (NXX 123): its payloads are shown here
// with valid Binghamton numbers (607-722) put in, as PRODUCT.md asks.
const seed = {
  portRequest: {
    telephoneNumbers: ['+16077221234'],
    accountId: 'acc_123',
    subscriber: {
      firstName: 'John',
      lastName: 'Doe',
      companyName: 'Acme Corporation',
      authorizedName: 'John Doe',
    },
    serviceAddress: { street: '135 Front St', city: 'Binghamton', state: 'NY', zipCode: '13905' },
    billingTelephoneNumber: '+16077221234',
    accountNumber: '123456789',
    pin: '1234',
    requestedDate: '2025-12-25',
    currentProvider: 'AT&T',
  },
};

describe('telephone numbers', () => {
  it('accepts NANP E.164, and in a query string the bare-plus form too', () => {
    expect(telephoneNumber.parse('+16077221234')).toBe('+16077221234');
    expect(telephoneNumberInQuery.parse(' 16077221234')).toBe('+16077221234');
    expect(telephoneNumberInQuery.parse('16077221234')).toBe('+16077221234');
    // A body says what the document says: E.164 exactly.
    expect(telephoneNumber.safeParse(' 16077221234').success).toBe(false);
  });

  it.each([
    ['+16071234567', 'NXX 123'],
    ['+11077221234', 'NPA starting 1'],
    ['+19117221234', 'N11 area code'],
    ['6077221234', 'no country code'],
    ['+1607722123', 'too short'],
    ['+446077221234', 'not NANP'],
  ])('refuses %s (%s)', (text) => {
    expect(telephoneNumber.safeParse(text).success).toBe(false);
  });

  it('matches search patterns over the national digits', () => {
    expect(matchesPattern('+16077220000', '*0000')).toBe(true);
    expect(matchesPattern('+16077221234', '*0000')).toBe(false);
    expect(matchesPattern('+16077212345', '*1234*')).toBe(true);
    expect(matchesPattern('+16077221234', '607*')).toBe(true);
  });
});

describe('business-day calendar', () => {
  it('knows the observed federal holidays of 2026', () => {
    expect([...federalHolidays(2026)].sort()).toEqual([
      '2026-01-01',
      '2026-01-19',
      '2026-02-16',
      '2026-05-25',
      '2026-06-19',
      '2026-07-03', // July 4 is a Saturday
      '2026-09-07',
      '2026-10-12',
      '2026-11-11',
      '2026-11-26',
      '2026-12-25',
    ]);
  });

  it('skips weekends and holidays', () => {
    expect(isBusinessDay('2026-11-26')).toBe(false); // Thanksgiving
    expect(isBusinessDay('2026-11-28')).toBe(false); // Saturday
    expect(addBusinessDays('2026-11-25', 1)).toBe('2026-11-27');
    expect(addBusinessDays('2026-12-23', 2)).toBe('2026-12-28');
    expect(addBusinessDays('2026-11-28', 0)).toBe('2026-11-30');
  });

  it('observes New Year on Friday Dec 31 when Jan 1 is a Saturday', () => {
    expect(federalHolidays(2021).has('2021-12-31')).toBe(true);
  });
});

describe('seed payloads', () => {
  it('parses the port request and enforces the requested-date rule apart', () => {
    const parsed = portRequest.parse(seed.portRequest);
    expect(parsed.pin).toBe('1234');
    // The seed asks for Christmas Day, a week after submission: the lead time holds, the day does not.
    expect(requestedDateProblem(parsed.requestedDate, '2025-12-18')).toMatch(/business day/);
    expect(requestedDateProblem('2026-12-02', '2026-11-26')).toMatch(/7 days/);
    expect(requestedDateProblem('2026-12-07', '2026-11-26')).toBeUndefined();
    expect(requestedDateProblem('2026-12-05', '2026-11-26')).toMatch(/business day/);
  });

  it('names every bad field of a port request', () => {
    const result = portRequest.safeParse({
      ...seed.portRequest,
      telephoneNumbers: ['+16071234567'],
      serviceAddress: { ...seed.portRequest.serviceAddress, state: 'New York', zipCode: '139' },
    });
    expect(result.success).toBe(false);
    const paths = result.error?.issues.map((issue) => issue.path.join('.'));
    expect(paths).toEqual(
      expect.arrayContaining([
        'telephoneNumbers.0',
        'serviceAddress.state',
        'serviceAddress.zipCode',
      ]),
    );
  });

  it('parses the seed responses', () => {
    expect(
      portabilityCheck.parse({
        telephoneNumber: '+16077221234',
        portable: true,
        currentCarrier: 'AT&T',
        lineType: 'BUSINESS',
        estimatedDays: 7,
      }).portable,
    ).toBe(true);
    expect(
      platformPort.parse({
        portRequestId: 'port_abc123',
        status: 'PENDING',
        telephoneNumbers: ['+16077221234'],
        submittedDate: '2025-12-18T10:30:00Z',
        requestedDate: '2025-12-25',
        estimatedCompletionDate: '2025-12-25',
      }).status,
    ).toBe('PENDING');
    expect(
      orderResult.parse({
        orderId: 'order_xyz789',
        status: 'COMPLETED',
        telephoneNumbers: [
          {
            telephoneNumber: '+16077221234',
            status: 'ACTIVE',
            accountId: 'acc_123',
            orderedDate: '2025-12-18T10:30:00Z',
          },
        ],
      }).telephoneNumbers,
    ).toHaveLength(1);
    expect(
      numberSearchResult.parse({
        telephoneNumbers: [
          {
            telephoneNumber: '+16077221234',
            formatted: '(607) 722-1234',
            npa: '607',
            nxx: '722',
            line: '1234',
            rateCenter: 'BINGHAMTON',
            state: 'NY',
            lata: '132',
            available: true,
          },
        ],
      }).telephoneNumbers,
    ).toHaveLength(1);
    expect(
      accountNumberList.parse([
        {
          telephoneNumber: '+16077221234',
          formatted: '(607) 722-1234',
          assignedTo: 'user_xyz789',
          assignmentType: 'END_USER',
          primary: true,
          status: 'ACTIVE',
          e911Registered: true,
        },
      ]),
    ).toHaveLength(1);
    expect(
      numberDetails.parse({
        telephoneNumber: '+16077221234',
        formatted: '(607) 722-1234',
        npa: '607',
        nxx: '722',
        status: 'ACTIVE',
        accountId: 'acc_123',
        assignedTo: 'user_xyz789',
        assignmentType: 'END_USER',
        e911: {
          registered: true,
          address: {
            street: '135 Front St',
            city: 'Binghamton',
            state: 'NY',
            zipCode: '13905',
            location: 'Suite 200',
          },
        },
        directoryListing: {
          listed: true,
          name: 'Acme Corporation',
          address: '135 Front St, Binghamton, NY',
        },
        callerIdName: 'ACME CORP',
      }).callerIdName,
    ).toBe('ACME CORP');
  });

  it('parses the seed request bodies', () => {
    expect(
      orderRequest.parse({ telephoneNumbers: ['+16077221234'], accountId: 'acc_123' }),
    ).toBeTruthy();
    expect(
      tollFreeOrderRequest.parse({ telephoneNumber: '+18002221234', accountId: 'acc_123' }),
    ).toBeTruthy();
    expect(
      tollFreeOrderRequest.safeParse({ telephoneNumber: '+16077221234', accountId: 'a' }).success,
    ).toBe(false);
    expect(
      lineAssignmentBody.parse({
        telephoneNumber: '+16077221234',
        primary: true,
        e911Address: {
          street: '135 Front St',
          city: 'Binghamton',
          state: 'NY',
          zipCode: '13905',
          location: 'Suite 200',
        },
      }).primary,
    ).toBe(true);
    expect(serviceAssignmentBody.parse({ telephoneNumber: '+16077221234' })).toBeTruthy();
    expect(
      numberUpdate.parse({
        callerIdName: 'ACME SUPPORT',
        e911Address: {
          street: '135 Front St',
          city: 'Binghamton',
          state: 'NY',
          zipCode: '13905-1234',
        },
        directoryListing: { listed: false },
      }).callerIdName,
    ).toBe('ACME SUPPORT');
    expect(numberSearchQuery.parse({ npa: '607', quantity: '20' }).quantity).toBe(20);
    expect(numberSearchQuery.parse({ npa: '607' }).quantity).toBe(10);
    expect(numberSearchQuery.safeParse({ npa: '607', quantity: '101' }).success).toBe(false);
    expect(numberSearchQuery.safeParse({ rateCenter: 'BINGHAMTON' }).success).toBe(false);
  });

  it('keeps caller-ID names to the seed rules', () => {
    expect(callerIdName.safeParse('ACME SUPPORT').success).toBe(true);
    expect(callerIdName.safeParse('Acme Support').success).toBe(false);
    expect(callerIdName.safeParse('ACME-SUPPORT').success).toBe(false);
    expect(callerIdName.safeParse('ACME SUPPORT LINE').success).toBe(false);
  });
});

describe('durations', () => {
  it('parses the config forms', () => {
    expect(parseDuration('1s')).toBe(1_000);
    expect(parseDuration('15m')).toBe(900_000);
    expect(parseDuration('1h')).toBe(3_600_000);
    expect(parseDuration('90d')).toBe(90 * 86_400_000);
    expect(parseDuration('soon')).toBeUndefined();
  });
});

describe('port status from its numbers', () => {
  const outcome = (status: PortNumberOutcome['status']): PortNumberOutcome => ({
    telephoneNumber: '+16077221234',
    status,
  });

  it('is the least advanced of the numbers still moving', () => {
    expect(aggregatePortStatus([outcome('COMPLETED'), outcome('APPROVED')])).toBe('APPROVED');
    expect(aggregatePortStatus([outcome('COMPLETED'), outcome('COMPLETED')])).toBe('COMPLETED');
  });

  it('is rejected when any carrier rejects, and when nothing could be submitted', () => {
    expect(aggregatePortStatus([outcome('IN_PROGRESS'), outcome('REJECTED')])).toBe('REJECTED');
    expect(aggregatePortStatus([outcome('NOT_PORTABLE')])).toBe('REJECTED');
  });

  it('leaves numbers that were never submitted out', () => {
    expect(aggregatePortStatus([outcome('NOT_PORTABLE'), outcome('PENDING')])).toBe('PENDING');
    expect(aggregatePortStatus([outcome('CANCELLED'), outcome('CANCELLED')])).toBe('CANCELLED');
  });

  it('leaves numbers taken out of the port out', () => {
    expect(aggregatePortStatus([outcome('REMOVED'), outcome('APPROVED')])).toBe('APPROVED');
    expect(aggregatePortStatus([outcome('REJECTED'), outcome('REMOVED')])).toBe('REJECTED');
  });
});

describe('the port memo', () => {
  it('keeps numbers taken out of the port, after those still in it, through a round trip', () => {
    const port = receivedPort({
      portRequestId: 'pr_memo',
      request: portRequest.parse({
        ...seed.portRequest,
        telephoneNumbers: ['+16077221234', '+16077221235', '+16077221236'],
      }),
      receivedAt: '2026-12-01T10:00:00Z',
      numbersHeld: true,
    });
    const removed: PortObject = {
      ...port,
      telephoneNumbers: ['+16077221234', '+16077221236'],
      numbers: [
        { telephoneNumber: '+16077221234', status: 'APPROVED' },
        { telephoneNumber: '+16077221236', status: 'PENDING' },
        { telephoneNumber: '+16077221235', status: 'REMOVED', reason: 'removed' },
      ],
    };
    const memo = toPortMemo(removed);
    expect(memo.removedNumbers).toEqual(['+16077221235']);
    expect(fromPortMemo(memo)).toEqual(removed);
    expect(portObject.parse(fromPortMemo(memo))).toEqual(removed);
    // A port with none removed keeps the memo as it always was.
    expect(toPortMemo(port)).not.toHaveProperty('removedNumbers');
    expect(fromPortMemo(toPortMemo(port))).toEqual(port);
  });
});

describe('what the OpenAPI document says of a schema is what it accepts', () => {
  const patternOf = (schema: z.ZodType) =>
    new RegExp((z.toJSONSchema(schema, { io: 'input' }) as { pattern: string }).pattern, 'u');
  const numberLike = fc.stringMatching(/^[+ ]?1?[0-9]{9,11}$/);

  it('a telephone number: its pattern, N11 area codes included', () => {
    const pattern = patternOf(telephoneNumber);
    fc.assert(
      fc.property(fc.oneof(numberLike, fc.string()), (text) => {
        expect(pattern.test(text)).toBe(telephoneNumber.safeParse(text).success);
      }),
    );
  });

  it('free text: not blank, its length as sent', () => {
    const name = subscriber.shape.firstName;
    const pattern = patternOf(name);
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom(' ', '\t', '\u00a0', '\ufeff', 'a') }),
        (text) => {
          const documented = pattern.test(text) && text.length <= 60;
          expect(documented).toBe(name.safeParse(text).success);
        },
      ),
    );
  });

  it('a date that makes no date is refused, not thrown', () => {
    expect(isIsoDate('0000-00-00')).toBe(false);
    expect(isIsoDate('2026-02-29')).toBe(false);
    expect(isIsoDate('2028-02-29')).toBe(true);
  });
});

describe('a currentProvider against the losing carriers found', () => {
  const NUMBER = '+14155550100';
  const portable = (currentCarrier: string) => [{ currentCarrier, telephoneNumbers: [NUMBER] }];

  it('names none of them: the numbers and their carriers are told', () => {
    expect(unmatchedProvider('Verizon', portable('AT&T'))).toBe(`${NUMBER} is with AT&T`);
  });

  it('names one, case and spacing aside', () => {
    expect(unmatchedProvider(' at&t ', portable('AT&T'))).toBeUndefined();
  });

  it('is never contradicted by a carrier the platform did not name', () => {
    expect(unmatchedProvider('Verizon', portable(UNKNOWN_CARRIER))).toBeUndefined();
  });
});
