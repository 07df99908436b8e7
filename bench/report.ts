/** The bench's results as Markdown tables, each section with its target. */
import type { HistorySize } from './histories';
import type { LatencyRow } from './latency';
import { TEN_DAYS, TWENTY_DAYS, type LifecycleRow } from './lifecycles';
import type { Machine } from './machine';
import {
  WORKER_SETTINGS,
  type BigRequestResult,
  type OpenPortsResult,
  type WorkerSetting,
} from './scale';
import type { CompletionRun, ThroughputResult } from './throughput';

export type SectionName =
  'throughput' | 'latency' | 'lifecycles' | 'big-port' | 'big-order' | 'open-ports';

type Section<T> = { ok: true; value: T } | { ok: false; error: string };

export interface Results {
  scale: 'full' | 'small';
  machine: Machine;
  totalSeconds?: number;
  /** Load averages when the bench ended. */
  loadAtEnd?: number[];
  sections: {
    throughput?: Section<ThroughputResult>;
    latency?: Section<LatencyRow[]>;
    lifecycles?: Section<LifecycleRow[]>;
    'big-port'?: Section<BigRequestResult[]>;
    'big-order'?: Section<BigRequestResult[]>;
    'open-ports'?: Section<OpenPortsResult>;
  };
}

/** Temporal warns about a history past this many events. */
const HISTORY_EVENTS_WARNING = 10_240;
const WORKER_RSS_TARGET_MIB = 500;

interface Target {
  target: string;
  measured: string;
  met: boolean;
}

const fixed = (value: number, digits = 1) =>
  Number.isFinite(value) ? value.toFixed(digits) : 'n/a';
const ms = (value: number) =>
  Number.isFinite(value) && value >= 100 ? fixed(value, 0) : fixed(value);
const kib = (bytes: number) => fixed(bytes / 1024);
const count = (value: number) => value.toLocaleString('en-US');
const verdict = (met: boolean) => (met ? 'met' : '**missed**');

function table(header: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

/** What kind of workflow an ID names (see the ID helpers in src/workflows/definitions.ts). */
function kindOf(workflowId: string): string {
  if (/-carrier-\d+$/.test(workflowId)) return 'portSubmission';
  if (workflowId.startsWith('port-')) return 'portIn';
  if (workflowId.startsWith('number-')) return 'numberClaim';
  if (workflowId.startsWith('release-')) return 'releaseNumber';
  if (workflowId.startsWith('order-')) return 'orderNumbers';
  return workflowId;
}

function largest(histories: HistorySize[]): HistorySize | undefined {
  return [...histories].sort((a, b) => b.events - a.events)[0];
}

function runSection(results: Results): string {
  const { machine } = results;
  const rows = [
    ['date', machine.date],
    [
      'machine',
      `${machine.cpuModel}, ${machine.cores} cores, ${fixed(machine.memoryGiB)} GiB, Linux ${machine.kernel}`,
    ],
    [
      'load average (1/5/15 min) at start; at end',
      [machine.loadAtStart, results.loadAtEnd ?? []]
        .map((loads) => loads.map((load) => fixed(load, 2)).join(' / ') || 'n/a')
        .join('; '),
    ],
    ['Node', machine.node],
    [
      'versions',
      Object.entries(machine.versions)
        .map(([name, version]) => `${name} ${version}`)
        .join(', '),
    ],
    ['commit', machine.commit],
    ['scale', results.scale],
    [
      'bench run time',
      results.totalSeconds === undefined ? 'n/a' : `${fixed(results.totalSeconds / 60)} min`,
    ],
  ];
  return `## Run\n\n${table(['', ''], rows)}`;
}

/** CPU per workflow of Temporal and the code under test: the emulator plays the carrier. */
function cpuTotal(run: CompletionRun): number {
  return Object.entries(run.cpuMsPerWorkflow)
    .filter(([name]) => name !== 'emulator')
    .reduce((sum, [, cpu]) => sum + cpu, 0);
}

function cpuText(run: CompletionRun): string {
  return Object.entries(run.cpuMsPerWorkflow)
    .map(([name, cpu]) => `${name} ${ms(cpu)}`)
    .join(', ');
}

function throughputSection(result: ThroughputResult, targets: Target[]): string {
  const row = (label: string, run: CompletionRun) => [
    label,
    count(run.workflows),
    String(result.concurrency),
    fixed(run.seconds),
    fixed(run.perSecond),
    ms(run.p50Ms),
    ms(run.p99Ms),
    cpuText(run),
    String(run.unexpected),
    run.retried === undefined ? 'n/a' : String(run.retried),
  ];
  const ratio = result.portflow.perSecond / result.bare.perSecond;
  targets.push({
    target: '1. portflow ports/s ≥ 0.5 × bare Temporal workflows/s',
    measured: `${fixed(ratio, 2)} × (${fixed(result.portflow.perSecond)} vs ${fixed(result.bare.perSecond)} per second)`,
    met: ratio >= 0.5,
  });
  return [
    '## 1. End-to-end throughput',
    'portflow: `POST /port` of one number each, to the port COMPLETED and its workflow closed, with the emulator carrier approving and completing at its first look (`PUT /_emulator/carrier {pace: immediate}`). Bare: `client.workflow.start` of a workflow with one no-op activity. The same number of requests in flight in both.',
    table(
      [
        'run',
        'workflows',
        'in flight',
        'seconds',
        'per second',
        'start→close p50 ms',
        'p99 ms',
        'CPU ms per workflow',
        'not as expected',
        'POSTs retried after 503',
      ],
      [row('bare Temporal (1 no-op activity)', result.bare), row('portflow port', result.portflow)],
    ),
    `Ratio portflow / bare: **${fixed(ratio, 2)}** (target ≥ 0.5: ${verdict(ratio >= 0.5)}). CPU per workflow of the Temporal server, worker and API: bare ${ms(cpuTotal(result.bare))} ms, portflow ${ms(cpuTotal(result.portflow))} ms, so on a machine where CPU is the limit the ratio cannot exceed ${fixed(cpuTotal(result.bare) / cpuTotal(result.portflow), 2)}.`,
  ].join('\n\n');
}

/** A table of fixed-rate runs; `context` names what differs between groups of rows. */
function latencyRows(rows: (LatencyRow & { context?: string })[]): string {
  const withContext = rows.some((row) => row.context !== undefined);
  return table(
    [
      ...(withContext ? ['worker'] : []),
      'req/s',
      'request',
      'ok / due',
      'failed',
      'dropped',
      'p50 ms',
      'p99 ms',
      'max ms',
      'answered/s',
    ],
    rows.map(({ perSecond, kind, summary, context }) => [
      ...(withContext ? [context ?? ''] : []),
      String(perSecond),
      kind,
      `${count(summary.ok)} / ${count(summary.due)}`,
      summary.failed ? `${summary.failed} (${summary.firstError ?? ''})` : '0',
      String(summary.dropped),
      ms(summary.p50Ms),
      ms(summary.p99Ms),
      ms(summary.maxMs),
      fixed(summary.okPerSecond),
    ]),
  );
}

function latencySection(rows: LatencyRow[], targets: Target[]): string {
  const rates = [...new Set(rows.map((row) => row.perSecond))];
  const rate = rates.includes(100) ? 100 : Math.max(...rates);
  const p99 = (kind: LatencyRow['kind']) =>
    rows.find((row) => row.perSecond === rate && row.kind === kind)?.summary.p99Ms ?? Number.NaN;
  const verdicts = (
    [
      ['POST port', 'bare workflow.start'],
      ['GET port', 'bare query'],
    ] as const
  ).map(([ours, bare]) => {
    const ratio = p99(ours) / p99(bare);
    targets.push({
      target: `2. ${ours} p99 ≤ 2 × ${bare} p99 at ${rate} req/s`,
      measured: `${fixed(ratio, 1)} × (${ms(p99(ours))} ms vs ${ms(p99(bare))} ms)`,
      met: ratio <= 2,
    });
    return `${ours} p99 / ${bare} p99 at ${rate} req/s: **${fixed(ratio, 1)}** (target ≤ 2: ${verdict(ratio <= 2)}).`;
  });
  const floor = p99('POST port') / p99('bare updateWithStart');
  verdicts.push(
    `POST port p99 / bare updateWithStart p99 at ${rate} req/s: ${fixed(floor, 1)} (no target: the floor of a start that waits for the workflow's answer).`,
  );
  return [
    '## 2. API latency at fixed rates',
    'Open loop: each request is sent on its schedule whatever the answers before it, and its latency runs from when it was due. POST port opens a one-number port (the carrier answers in two business days, so it stays open); GET port reads a random open port (a query of its workflow). Bare: `client.workflow.start` of a waiting workflow and a query of one, from the bench process (no HTTP). GET /healthz is the floor of one HTTP round trip to the API.',
    latencyRows(rows),
    verdicts.join('\n'),
  ].join('\n\n');
}

/** Workflow tasks batch activity completions differently from run to run: a few events either way. */
const BATCHING_TOLERANCE = 0.1;

function lifecycleSection(rows: LifecycleRow[], targets: Target[]): string {
  const ownHistories = rows.flatMap((row) =>
    row.histories.filter((history) => kindOf(history.workflowId) !== 'numberClaim'),
  );
  const most = Math.max(...ownHistories.map((history) => history.events));
  const claims = rows.flatMap((row) =>
    row.histories.filter((history) => kindOf(history.workflowId) === 'numberClaim'),
  );
  const mostClaim = Math.max(...claims.map((history) => history.events));
  targets.push({
    target: '3. under 100 events per history (port, submission, release)',
    measured: `at most ${most} events`,
    met: most < 100,
  });
  targets.push({
    target: '3. under 100 events per history (numberClaim entity held by the operation)',
    measured: `at most ${mostClaim} events`,
    met: mostClaim < 100,
  });
  /** Events of the port's own workflows (portIn and its submissions), and its polls. */
  const portEvents = (scenario: string) => {
    const row = rows.find((candidate) => candidate.scenario === scenario);
    const events = (row?.histories ?? [])
      .filter((history) => kindOf(history.workflowId) !== 'numberClaim')
      .reduce((sum, history) => sum + history.events, 0);
    return { events, detail: row?.detail ?? 'n/a' };
  };
  const ten = portEvents(TEN_DAYS);
  const twenty = portEvents(TWENTY_DAYS);
  const independent = Math.abs(twenty.events - ten.events) <= BATCHING_TOLERANCE * ten.events;
  targets.push({
    target: '3. port events independent of the number of polls',
    measured: `${ten.events} events (${ten.detail}) vs ${twenty.events} (${twenty.detail})`,
    met: independent,
  });
  return [
    '## 3. History per completed lifecycle',
    'On the time-skipping test server: the real workflows and activities, against the emulator whose clock follows the skipped time; poll interval 1 h; a webhook delivery (a local activity since the `local-calls` patch) per transition where the partition has a webhook; payloads encrypted by the codec, as in production. numberClaim is the per-number entity the operation held.',
    table(
      ['lifecycle', 'what happened', 'outcome', 'workflow', 'events', 'history KiB', 'payload KiB'],
      rows.flatMap((row) =>
        row.histories.map((history, index) => [
          index === 0 ? row.scenario : '',
          index === 0 ? row.detail : '',
          index === 0 ? row.outcome : '',
          kindOf(history.workflowId),
          String(history.events),
          kib(history.historyBytes),
          kib(history.payloadBytes),
        ]),
      ),
    ),
    `Most events in one history: **${most}** for the operations' own workflows, **${mostClaim}** for a numberClaim entity (target < 100). Events of portIn and its submission, 10 vs 20 business days: ${ten.events} vs ${twenty.events} (${verdict(independent)}: within ${BATCHING_TOLERANCE * 100}%, the variation of how activity completions batch into workflow tasks).`,
  ].join('\n\n');
}

function bigRequestRow(result: BigRequestResult): string[] {
  const top = largest(result.histories);
  return [
    result.scenario,
    count(result.numbers),
    `${fixed(result.answerSeconds)}: ${result.answer}`,
    fixed(result.wallSeconds),
    result.outcome,
    top
      ? `${count(top.events)} events, ${kib(top.historyBytes)} KiB (${kindOf(top.workflowId)})`
      : 'n/a',
    fixed(result.worker.peakRssMiB, 0),
    fixed(result.api.peakRssMiB, 0),
  ];
}

function scaleSection(results: Results, targets: Target[]): string {
  const parts = ['## 4. Scale'];
  const big = [results.sections['big-port'], results.sections['big-order']];
  const bigRows = big.flatMap((section) => (section?.ok ? section.value : []));
  if (bigRows.length > 0) {
    parts.push(
      "One request each, carrier immediate, through the API as a client would (Idempotency-Key, retried after a 503 with its Retry-After); a fresh worker process per request, so its peak RSS (VmHWM) is its own; each with the worker as shipped (a 512 MiB heap, WORKER_MAX_CACHED_WORKFLOWS 250) and with Node's and the SDK's defaults.",
      table(
        [
          'request',
          'numbers',
          'API answered after s',
          'completed s',
          'outcome',
          'largest history',
          'worker peak RSS MiB',
          'API peak RSS MiB',
        ],
        bigRows.map(bigRequestRow),
      ),
    );
  }
  const open = results.sections['open-ports'];
  if (open?.ok) {
    const { value } = open;
    parts.push(
      `${count(value.ports)} one-number ports opened through the API, ${value.concurrency} POSTs in flight, poll interval 1 h: opened in ${fixed(value.opened.seconds)} s (${fixed(value.opened.perSecond)}/s), ${value.opened.failed} failed${value.opened.firstError ? ` (${value.opened.firstError})` : ''}. Then, while they all wait, the API under load, with the worker that opened them (as shipped) and again with a worker restarted with Node's and the SDK's defaults.`,
      table(
        ['worker', 'worker RSS MiB', 'worker peak RSS MiB', 'API RSS MiB'],
        value.runs.map((run) => [
          run.setting,
          fixed(run.worker.rssMiB, 0),
          fixed(run.worker.peakRssMiB, 0),
          fixed(run.api.rssMiB, 0),
        ]),
      ),
      latencyRows(
        value.runs.flatMap((run) => run.latency.map((row) => ({ ...row, context: run.setting }))),
      ),
    );
  }
  const histories = bigRows.flatMap((row) => row.histories);
  if (histories.length > 0) {
    const top = largest(histories) as HistorySize;
    targets.push({
      target: `4. no history over ${count(HISTORY_EVENTS_WARNING)} events`,
      measured: `largest ${count(top.events)} events (${kindOf(top.workflowId)})`,
      met: top.events <= HISTORY_EVENTS_WARNING,
    });
  }
  // The target is the worker as shipped; Node's and the SDK's defaults are shown beside it, for why.
  const shipped = (WORKER_SETTINGS[0] as WorkerSetting).label;
  const peaks = [
    ...bigRows
      .filter((row) => row.scenario.endsWith(shipped))
      .map((row) => ({ what: row.scenario, peak: row.worker.peakRssMiB })),
    ...(open?.ok
      ? open.value.runs
          .filter((run) => run.setting === shipped)
          .map((run) => ({
            what: `${count(open.value.ports)} open ports, worker ${run.setting}`,
            peak: run.worker.peakRssMiB,
          }))
      : []),
  ];
  for (const { what, peak } of peaks) {
    targets.push({
      target: `4. worker RSS under ${WORKER_RSS_TARGET_MIB} MiB: ${what}`,
      measured: `peak ${fixed(peak, 0)} MiB`,
      met: peak < WORKER_RSS_TARGET_MIB,
    });
  }
  return parts.join('\n\n');
}

function failure(name: string, section: { ok: false; error: string } | undefined): string[] {
  return section ? [`**${name} failed:** ${section.error}`] : [];
}

export function renderReport(results: Results): string {
  const targets: Target[] = [];
  const { sections } = results;
  const parts = [runSection(results)];
  if (sections.throughput?.ok) parts.push(throughputSection(sections.throughput.value, targets));
  else parts.push(...failure('throughput', sections.throughput));
  if (sections.latency?.ok) parts.push(latencySection(sections.latency.value, targets));
  else parts.push(...failure('latency', sections.latency));
  if (sections.lifecycles?.ok) parts.push(lifecycleSection(sections.lifecycles.value, targets));
  else parts.push(...failure('lifecycles', sections.lifecycles));
  parts.push(scaleSection(results, targets));
  for (const name of ['big-port', 'big-order', 'open-ports'] as const) {
    const section = sections[name];
    if (section && !section.ok) parts.push(...failure(name, section));
  }
  parts.push(
    '## Targets',
    table(
      ['target', 'measured', ''],
      targets.map((target) => [target.target, target.measured, verdict(target.met)]),
    ),
  );
  return parts.join('\n\n');
}
