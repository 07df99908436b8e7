/** The bench's results as Markdown tables, each section with its target. */
import type { ClusterResult } from './cluster';
import type { EmbeddedResult } from './embedded';
import type { HistorySize } from './histories';
import type { LatencyRow } from './latency';
import { SUPPLEMENTS, TEN_DAYS, TWENTY_DAYS, type LifecycleRow } from './lifecycles';
import type { LatencySummary } from './load';
import type { Machine } from './machine';
import {
  WORKER_SETTINGS,
  type BigRequestResult,
  type OpenPortsResult,
  type WorkerSetting,
} from './scale';
import type { CompletionRun, ThroughputResult } from './throughput';

export type SectionName =
  | 'throughput'
  | 'embedded'
  | 'latency'
  | 'lifecycles'
  | 'big-port'
  | 'big-order'
  | 'open-ports'
  | 'cluster';

type Section<T> = { ok: true; value: T } | { ok: false; error: string };

export interface Results {
  scale: 'full' | 'small';
  machine: Machine;
  totalSeconds?: number;
  /** Load averages when the bench ended. */
  loadAtEnd?: number[];
  sections: {
    throughput?: Section<ThroughputResult>;
    embedded?: Section<EmbeddedResult>;
    latency?: Section<LatencyRow[]>;
    lifecycles?: Section<LifecycleRow[]>;
    'big-port'?: Section<BigRequestResult[]>;
    'big-order'?: Section<BigRequestResult[]>;
    'open-ports'?: Section<OpenPortsResult>;
    cluster?: Section<ClusterResult>;
  };
}

/** Temporal warns about a history past this many events. */
const HISTORY_EVENTS_WARNING = 10_240;
const WORKER_RSS_TARGET_MIB = 500;
const BIG_PORT_ANSWER_S = 5;
const BIG_PORT_COMPLETED_S = 120;

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
  if (workflowId.startsWith('port-')) return 'portIn';
  if (workflowId.startsWith('number-')) return 'numberHold';
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

const THROUGHPUT_TARGET = 0.6;

const COMPLETION_HEADER = [
  'run',
  'workflows',
  'in flight',
  'seconds',
  'per second',
  'start→close p50 ms',
  'p99 ms',
  'CPU ms per workflow',
  'not as expected',
  'POSTs retried after 503/429',
];

/** The three runs of a throughput result, labelled after `prefix`. */
function completionRows(result: ThroughputResult, prefix = ''): string[][] {
  const row = (label: string, run: CompletionRun) => [
    `${prefix}${label}`,
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
  return [
    row('bare Temporal (1 no-op activity)', result.bare),
    ...(result.barePort
      ? [row('bare port (the upstream calls as activities)', result.barePort)]
      : []),
    row('portflow port', result.portflow),
  ];
}

function throughputSection(result: ThroughputResult, targets: Target[]): string {
  const { barePort } = result;
  const ratio = barePort ? result.portflow.perSecond / barePort.perSecond : Number.NaN;
  targets.push({
    target: `1. portflow ports/s ≥ ${THROUGHPUT_TARGET} × bare port/s`,
    measured: `${fixed(ratio, 2)} × (${fixed(result.portflow.perSecond)} vs ${barePort ? fixed(barePort.perSecond) : 'n/a'} per second)`,
    met: ratio >= THROUGHPUT_TARGET,
  });
  const noopRatio = result.portflow.perSecond / result.bare.perSecond;
  return [
    '## 1. End-to-end throughput',
    'portflow: `POST /port` of one number each (asking activation to a user), to the port COMPLETED and its workflow closed, with the emulator carrier approving and completing at its first look (`PUT /_emulator/carrier {pace: immediate}`). Bare port: `client.workflow.start` of a workflow making the same upstream calls as plain activities against the emulator (check, submit, read until final, assign). Bare Temporal: a workflow with one no-op activity. The same number in flight in all three.',
    table(COMPLETION_HEADER, completionRows(result)),
    `Ratio portflow / bare port: **${fixed(ratio, 2)}** (target ≥ ${THROUGHPUT_TARGET}: ${verdict(ratio >= THROUGHPUT_TARGET)}); portflow / bare Temporal: ${fixed(noopRatio, 2)}. CPU per workflow of the Temporal server, worker and API: bare Temporal ${ms(cpuTotal(result.bare))} ms, ${barePort ? `bare port ${ms(cpuTotal(barePort))} ms, ` : ''}portflow ${ms(cpuTotal(result.portflow))} ms.`,
  ].join('\n\n');
}

/** A table of fixed-rate runs; `context` names what differs between groups of rows. */
function latencyRows(rows: (LatencyRow & { context?: string })[], contextName = 'worker'): string {
  const withContext = rows.some((row) => row.context !== undefined);
  return table(
    [
      ...(withContext ? [contextName] : []),
      'req/s',
      'request',
      'ok / due',
      'failed',
      'dropped',
      'p50 ms',
      'p99 ms',
      'max ms',
      'answered/s',
      'HTTP statuses (count, p99 ms)',
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
      statusText(summary),
    ]),
  );
}

function statusText(summary: LatencySummary): string {
  const statuses = Object.entries(summary.statuses ?? {});
  if (statuses.length === 0) return 'n/a';
  return statuses
    .map(([status, { count: n, p99Ms }]) => `${status} × ${count(n)} (${ms(p99Ms)})`)
    .join(', ');
}

/** Answers with a status matching `which`. */
function answered(summary: LatencySummary | undefined, which: (status: number) => boolean): number {
  return Object.entries(summary?.statuses ?? {})
    .filter(([status]) => which(Number(status)))
    .reduce((sum, [, { count: n }]) => sum + n, 0);
}

const is5xx = (status: number) => status >= 500;
/** What the issue counts as served: admitted, or refused for a busy number. */
const isServed = (status: number) => status === 202 || status === 409;
/** A refusal past capacity that a client retries after its Retry-After. */
const isShed = (status: number) => status === 429;

/** The row of `kind` at `rate` req/s. */
function rowOf(rows: LatencyRow[], rate: number, kind: LatencyRow['kind']) {
  return rows.find((row) => row.perSecond === rate && row.kind === kind)?.summary;
}

/** `ours` p99 against `bare` p99 at `rate`, as a target of at most `factor`. */
function p99Target(
  rows: LatencyRow[],
  rate: number,
  [ours, bare]: [LatencyRow['kind'], LatencyRow['kind']],
  factor: number,
  label: string,
): Target {
  const mine = rowOf(rows, rate, ours)?.p99Ms ?? Number.NaN;
  const theirs = rowOf(rows, rate, bare)?.p99Ms ?? Number.NaN;
  return {
    target: `${label}: ${ours} p99 ≤ ${factor} × ${bare} p99 at ${rate} req/s`,
    measured: `${fixed(mine / theirs, 1)} × (${ms(mine)} ms vs ${ms(theirs)} ms)`,
    met: mine / theirs <= factor,
  };
}

function latencySection(rows: LatencyRow[], targets: Target[]): string {
  const rates = [...new Set(rows.map((row) => row.perSecond))];
  const verdicts: string[] = [];
  if (rates.includes(100)) {
    const post = rowOf(rows, 100, 'POST port');
    const unavailable = answered(post, (status) => status === 503);
    targets.push({
      target: '2. POST port at 100 req/s: no 503',
      measured: `${unavailable} × 503 of ${count(post?.due ?? 0)}`,
      met: post !== undefined && unavailable === 0,
    });
    targets.push(p99Target(rows, 100, ['POST port', 'bare workflow.start'], 3, '2'));
  }
  const top = Math.max(...rates);
  const busiest = rowOf(rows, top, 'POST port');
  if (busiest) {
    const answeredRight = answered(busiest, (status) => isServed(status) || isShed(status));
    targets.push({
      target: `2. POST port at ${top} req/s: every request answered 202/409 or 429, never 5xx`,
      measured: `${count(answeredRight)} of ${count(busiest.due)} (${statusText(busiest)}; ${busiest.failed} unanswered)`,
      met: answeredRight === busiest.due,
    });
  }
  const rate = rates.includes(100) ? 100 : top;
  const floor =
    (rowOf(rows, rate, 'POST port')?.p99Ms ?? Number.NaN) /
    (rowOf(rows, rate, 'bare updateWithStart')?.p99Ms ?? Number.NaN);
  verdicts.push(
    `POST port p99 / bare updateWithStart p99 at ${rate} req/s: ${fixed(floor, 1)} (no target: the floor of a start that waits for the workflow's answer).`,
  );
  return [
    '## 2. API latency at fixed rates',
    "Open loop: each request is sent on its schedule whatever the answers before it, and its latency runs from when it was due; every answer is counted by its HTTP status. POST port opens a one-number port (the carrier answers in two business days, so it stays open); GET port reads a random open port. Bare: `client.workflow.start` of a waiting workflow, a describe of a random open port's workflow, and a query of a waiting workflow, from the bench process (no HTTP). GET /healthz is the floor of one HTTP round trip to the API.",
    latencyRows(rows),
    verdicts.join('\n'),
  ].join('\n\n');
}

function embeddedSection(result: EmbeddedResult, targets: Target[]): string {
  const rate = Math.max(...result.rows.map((row) => row.perSecond));
  const post = rowOf(result.rows, rate, 'POST port');
  const served = answered(post, isServed);
  const shed = answered(post, isShed);
  targets.push({
    target: `E. embedded mode, POST port at ${rate} req/s: every request admitted (202, or 409 busy)`,
    measured: `${count(served)} of ${count(post?.due ?? 0)} (${post ? statusText(post) : 'n/a'})`,
    met: post !== undefined && served === post.due,
  });
  targets.push(
    p99Target(result.rows, rate, ['POST port', 'bare workflow.start'], 3, 'E. embedded mode'),
  );
  const shedP99 = post?.statuses?.['429']?.p99Ms ?? Number.NaN;
  targets.push({
    target: 'E. embedded mode: requests past capacity refused at once (429 p99 well under 1 s)',
    measured: shed > 0 ? `${count(shed)} × 429, p99 ${ms(shedP99)} ms` : 'none refused',
    met: shed === 0 || shedP99 < 1_000,
  });
  return [
    '## E. Embedded mode (`npm start`)',
    `\`node dist/dev/index.js\` as \`npm start\` runs it, its dev server on a SQLite file in a fresh DATA_DIR, with the emulator, worker and API in the one process; the bench's bare worker on the same dev server. Open loop at ${rate} req/s. Embedded process RSS ${fixed(result.embedded.rssMiB, 0)} MiB (peak ${fixed(result.embedded.peakRssMiB, 0)}), its dev server ${fixed(result.devServer.rssMiB, 0)} MiB.`,
    latencyRows(result.rows),
  ].join('\n\n');
}

/** Workflow tasks batch activity completions differently from run to run: a few events either way. */
const BATCHING_TOLERANCE = 0.1;

function lifecycleSection(rows: LifecycleRow[], targets: Target[]): string {
  const most = Math.max(...rows.flatMap((row) => row.histories.map((history) => history.events)));
  /** Events of the port's workflow, and its polls. */
  const portEvents = (scenario: string) => {
    const row = rows.find((candidate) => candidate.scenario === scenario);
    const events = (row?.histories ?? []).reduce((sum, history) => sum + history.events, 0);
    return { events, detail: row?.detail ?? 'n/a' };
  };
  const supplemented = rows.find((row) => row.scenario === SUPPLEMENTS);
  if (supplemented) {
    const mostSupplemented = Math.max(...supplemented.histories.map((history) => history.events));
    targets.push({
      target: '3. a port with 3 supplements: under 100 events in every history',
      measured: `at most ${mostSupplemented} events (${supplemented.histories.length} histories)`,
      met: mostSupplemented < 100,
    });
  }
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
    'On the time-skipping test server: the real workflows and activities, against the emulator whose clock follows the skipped time; poll interval 1 h; a webhook delivery (a local activity) per transition where the partition has a webhook; payloads encrypted by the codec, as in production.',
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
    `Most events in one history: **${most}**. Events of portIn, 10 vs 20 business days: ${ten.events} vs ${twenty.events} (${verdict(independent)}: within ${BATCHING_TOLERANCE * 100}%, the variation of how activity completions batch into workflow tasks).`,
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
      "One request each, carrier immediate, through the API as a client would (Idempotency-Key, retried after a 503 or 429 with its Retry-After), read with GET until DONE; a fresh worker process per request, so its peak RSS (VmHWM) is its own; each with the worker as shipped (a 512 MiB heap, WORKER_MAX_CACHED_WORKFLOWS 250) and with Node's and the SDK's defaults.",
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
  if (open?.ok) {
    for (const run of open.value.runs) {
      const rate = Math.max(...run.latency.map((row) => row.perSecond));
      targets.push(
        p99Target(
          run.latency,
          rate,
          ['GET port', 'bare describe'],
          2,
          `4. open ports, worker ${run.setting}`,
        ),
      );
      const get = rowOf(run.latency, rate, 'GET port');
      const failed = answered(get, is5xx);
      targets.push({
        target: `4. open ports, worker ${run.setting}: no 5xx on GET port`,
        measured: `${failed} × 5xx of ${count(get?.due ?? 0)}`,
        met: get !== undefined && failed === 0,
      });
    }
  }
  const bigPort = results.sections['big-port'];
  for (const row of bigPort?.ok ? bigPort.value : []) {
    targets.push({
      target: `4. ${count(row.numbers)}-number port answered 202 within ${BIG_PORT_ANSWER_S} s: ${row.scenario}`,
      measured: `${fixed(row.answerSeconds)} s (${row.answer})`,
      met: row.answerSeconds <= BIG_PORT_ANSWER_S && row.answer.endsWith('accepted (202)'),
    });
    targets.push({
      target: `4. ${count(row.numbers)}-number port COMPLETED within ${BIG_PORT_COMPLETED_S} s: ${row.scenario}`,
      measured: `${fixed(row.wallSeconds)} s (${row.outcome})`,
      met: row.wallSeconds <= BIG_PORT_COMPLETED_S && row.outcome.startsWith('COMPLETED'),
    });
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

/** The cluster's runs beside the dev server's of the same run (sections 1 and 2). */
function clusterSection(result: ClusterResult, results: Results): string {
  const { throughput, latency } = results.sections;
  const { portflow, barePort } = result.throughput;
  const ratio = barePort ? portflow.perSecond / barePort.perSecond : Number.NaN;
  const rates = new Set(result.latency.map((row) => row.perSecond));
  const kinds = new Set(result.latency.map((row) => row.kind));
  const devRows = latency?.ok
    ? latency.value.filter((row) => rates.has(row.perSecond) && kinds.has(row.kind))
    : [];
  const rows = [
    ...devRows.map((row) => ({ ...row, context: 'dev server (section 2)' })),
    ...result.latency.map((row) => ({ ...row, context: 'cluster on PostgreSQL' })),
  ].sort((a, b) => a.perSecond - b.perSecond);
  return [
    '## C. A Temporal cluster on PostgreSQL beside the dev server',
    "The production topology, in the same run: PostgreSQL (Debian's) and the Temporal server's frontend, history, matching and worker services each in its own process (`go.temporal.io/server` at the dev server's version, as the cluster tests start it), portflow's worker and API on it as on the dev server. Runs as in sections 1 (fewer workflows) and 2; the cluster's own CPU time is not counted.",
    table(COMPLETION_HEADER, [
      ...(throughput?.ok ? completionRows(throughput.value, 'dev server: ') : []),
      ...completionRows(result.throughput, 'cluster: '),
    ]),
    `On the cluster, portflow / bare port: **${fixed(ratio, 2)}**.`,
    latencyRows(rows, 'server'),
  ].join('\n\n');
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
  if (sections.embedded?.ok) parts.push(embeddedSection(sections.embedded.value, targets));
  else parts.push(...failure('embedded', sections.embedded));
  if (sections.latency?.ok) parts.push(latencySection(sections.latency.value, targets));
  else parts.push(...failure('latency', sections.latency));
  if (sections.lifecycles?.ok) parts.push(lifecycleSection(sections.lifecycles.value, targets));
  else parts.push(...failure('lifecycles', sections.lifecycles));
  parts.push(scaleSection(results, targets));
  if (sections.cluster?.ok) parts.push(clusterSection(sections.cluster.value, results));
  for (const name of ['big-port', 'big-order', 'open-ports', 'cluster'] as const) {
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
