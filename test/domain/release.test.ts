import { ConfigError, agingPeriodOf, loadConfig } from '../../src/config';
import {
  DAY_MS,
  agingPeriodForLine,
  agingPeriodProblem,
  assignmentTargetOf,
  formatDuration,
  parseDuration,
} from '../../src/domain';

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('the FCC aging rule', () => {
  it.each([
    [44, 'RESIDENTIAL', false],
    [45, 'RESIDENTIAL', true],
    [90, 'RESIDENTIAL', true],
    [91, 'RESIDENTIAL', false],
    [44, 'BUSINESS', false],
    [365, 'BUSINESS', true],
    [366, 'BUSINESS', false],
  ] as const)('%d days for a %s number: allowed %s', (days, lineType, allowed) => {
    expect(agingPeriodProblem(days * DAY_MS, lineType) === undefined).toBe(allowed);
  });
});

describe('agingPeriodForLine', () => {
  it("holds the partition's period to the number's own FCC bound when the platform tells its line type", () => {
    expect(agingPeriodForLine(180 * DAY_MS, 'RESIDENTIAL')).toEqual({
      periodMs: 90 * DAY_MS,
      lineType: 'RESIDENTIAL',
    });
    expect(agingPeriodForLine(180 * DAY_MS, 'business')).toEqual({
      periodMs: 180 * DAY_MS,
      lineType: 'BUSINESS',
    });
    expect(agingPeriodForLine(60 * DAY_MS, 'RESIDENTIAL').periodMs).toBe(60 * DAY_MS);
    // A word portflow does not know, or none, leaves the partition's period.
    expect(agingPeriodForLine(180 * DAY_MS, 'WIRELESS')).toEqual({ periodMs: 180 * DAY_MS });
    expect(agingPeriodForLine(90 * DAY_MS, undefined)).toEqual({ periodMs: 90 * DAY_MS });
  });
});

describe('formatDuration', () => {
  it('writes a period as the configuration does, and reads back the same', () => {
    expect(
      ['90d', '3s', '1h', '90m', '1500ms'].map((text) =>
        formatDuration(parseDuration(text) as number),
      ),
    ).toEqual(['90d', '3s', '1h', '90m', '1500ms']);
  });
});

describe('aging configuration', () => {
  it('ages 90 days by default', () => {
    const config = loadConfig({});
    expect(agingPeriodOf(config, 'p1')).toEqual({ periodMs: 90 * DAY_MS });
  });

  it("gives a partition its own period and the rest the default's", () => {
    const config = loadConfig({
      AGING_PERIOD: '60d',
      AGING_PERIODS: JSON.stringify({ p1: { period: '120d', lineType: 'BUSINESS' } }),
    });
    expect(agingPeriodOf(config, 'p1')).toEqual({ periodMs: 120 * DAY_MS, lineType: 'BUSINESS' });
    expect(agingPeriodOf(config, 'p2')).toEqual({ periodMs: 60 * DAY_MS });
  });

  it('refuses to start with a default period outside 45 to 90 days, naming AGING_PERIOD', () => {
    expect(problemsOf({ AGING_PERIOD: '30d' })).toEqual([
      expect.stringMatching(/^AGING_PERIOD: must be 45 to 90 days .*not 30 days/),
    ]);
    expect(problemsOf({ AGING_PERIOD: '91d' })).toEqual([expect.stringMatching(/^AGING_PERIOD: /)]);
  });

  it("refuses a partition's period outside its line type's bounds, naming the partition", () => {
    const periods = {
      home: { period: '120d', lineType: 'RESIDENTIAL' },
      shop: { period: '400d', lineType: 'BUSINESS' },
      short: { period: '10d', lineType: 'BUSINESS' },
      ok: { period: '365d', lineType: 'BUSINESS' },
    };
    expect(problemsOf({ AGING_PERIODS: JSON.stringify(periods) })).toEqual([
      expect.stringMatching(/^AGING_PERIODS\.home\.period: must be 45 to 90 days for residential/),
      expect.stringMatching(/^AGING_PERIODS\.shop\.period: must be 45 to 365 days for business/),
      expect.stringMatching(/^AGING_PERIODS\.short\.period: must be 45 to 365 days/),
    ]);
    expect(problemsOf({ AGING_PERIODS: '{"p1": {"period": "soon"}}' })).toEqual([
      expect.stringMatching(/^AGING_PERIODS/),
      expect.stringMatching(/^AGING_PERIODS/),
    ]);
  });

  it('lets AGING_DEMO shorten aging to seconds, but never in production', () => {
    const config = loadConfig({ AGING_DEMO: 'true', AGING_PERIOD: '3s' });
    expect(agingPeriodOf(config, 'p1').periodMs).toBe(3_000);
    expect(problemsOf({ AGING_DEMO: 'true', AGING_PERIOD: '3s', NODE_ENV: 'production' })).toEqual([
      expect.stringMatching(/^AGING_DEMO: /),
    ]);
  });
});

describe('assignmentTargetOf', () => {
  it('reads every assignment type of the account listing back into a target', () => {
    const of = (assignedTo: string | null, assignmentType: string | null) =>
      assignmentTargetOf({
        assignedTo,
        assignmentType: assignmentType as 'END_USER' | null,
      });
    expect(of('user_1', 'END_USER')).toEqual({ type: 'USER', userId: 'user_1' });
    expect(of('dev_1/line/2', 'DEVICE_LINE')).toEqual({
      type: 'DEVICE_LINE',
      deviceId: 'dev_1',
      lineNumber: 2,
    });
    expect(of('ivr_1', 'IVR')).toEqual({ type: 'IVR', ivrId: 'ivr_1' });
    expect(of('q_1', 'CALL_QUEUE')).toEqual({ type: 'CALL_QUEUE', queueId: 'q_1' });
    expect(of(null, null)).toBeUndefined();
    expect(of('dev_1', 'DEVICE_LINE')).toBeUndefined();
  });
});
