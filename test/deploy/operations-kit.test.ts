/** deploy/: every metric the alerts and the dashboard read is one /metrics really serves. */
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { compileApp, startBuiltEmbedded, type NodeProcess } from '../helpers/compiled-app';
import { emulatorControl, jsonRequest } from '../helpers/emulator';
import { eventually } from '../helpers/portflow';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhooks';
import { AT_AND_T_NUMBER, seedPortRequest } from '../emulator/support';

const DEPLOY = join(__dirname, '..', '..', 'deploy');

interface AlertRules {
  groups: { name: string; rules: { alert: string; expr: string; for?: string }[] }[];
}

const rules = parse(readFileSync(join(DEPLOY, 'prometheus', 'alerts.yml'), 'utf8')) as AlertRules;
const dashboard = JSON.parse(
  readFileSync(join(DEPLOY, 'grafana', 'portflow-dashboard.json'), 'utf8'),
) as { panels: { title: string; targets?: { expr: string }[] }[] };

/** The metric names a PromQL expression reads: portflow's own and the Temporal SDK's. */
function metricNamesIn(expr: string): string[] {
  return [...expr.matchAll(/\b((?:portflow|temporal)_[a-z0-9_]+)\b/g)].map(
    (match) => match[1] as string,
  );
}

/** The sample names a Prometheus text exposition holds. */
function servedNames(text: string): Set<string> {
  return new Set(
    text
      .split('\n')
      .filter((line) => line !== '' && !line.startsWith('#'))
      .map((line) => /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(line)?.[0] as string),
  );
}

const expressions = [
  ...rules.groups.flatMap((group) => group.rules.map((rule) => rule.expr)),
  ...dashboard.panels.flatMap((panel) => (panel.targets ?? []).map((target) => target.expr)),
];
const wanted = [...new Set(expressions.flatMap(metricNamesIn))].sort();

describe('the operations kit (deploy/)', () => {
  let appRoot: string;
  let embedded: NodeProcess | undefined;
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    receiver = await startWebhookReceiver({
      secret: 'ops-webhook-secret-0123',
      refuse: () => true,
    });
    appRoot = await compileApp();
    const started = await startBuiltEmbedded(appRoot, {
      WEBHOOKS: JSON.stringify({ ops: { url: receiver.url, secret: 'ops-webhook-secret-0123' } }),
    });
    embedded = started.embedded;
    const { api, platform, developmentToken } = started.banner;
    const control = emulatorControl(platform);
    // A platform error and a refused webhook, so that their series exist.
    await control.addFault({
      kind: 'status',
      status: 503,
      count: 1,
      match: { method: 'POST', path: '/v2/partition/ops/telephone-number/port' },
    });
    const today = (await control.now()).slice(0, 10);
    const submitted = await jsonRequest(`${api}/v2/partition/ops/telephone-number/port`, 'POST', {
      headers: { 'x-auth-token': developmentToken },
      body: seedPortRequest([AT_AND_T_NUMBER], today),
    });
    expect(submitted.status).toBe(202);
    // And a workflow that ends: a port of a partition without webhooks, cancelled.
    const other = `${api}/v2/partition/ops-quiet/telephone-number/port`;
    const headers = { 'x-auth-token': developmentToken };
    const quiet = await jsonRequest<{ portRequestId: string }>(other, 'POST', {
      headers,
      body: seedPortRequest(['+16077986480'], today),
    });
    expect(quiet.status).toBe(202);
    const cancelled = await eventually(
      async () =>
        (await jsonRequest(`${other}/${quiet.body.portRequestId}`, 'DELETE', { headers })).status,
      (status) => status === 200,
    );
    expect(cancelled).toBe(200);
    const scrape = async () => (await fetch(`${api}/metrics`)).text();
    metrics = await eventually(
      scrape,
      (text) => wanted.every((name) => servedNames(text).has(name)),
      90_000,
    ).catch(scrape);
  });

  let metrics: string;

  afterAll(async () => {
    await embedded?.stop('SIGINT');
    await receiver?.close();
    if (appRoot) rmSync(appRoot, { recursive: true, force: true });
  });

  it('reads only metrics /metrics serves (API and worker, embedded mode)', () => {
    expect(wanted.length).toBeGreaterThan(5);
    const served = servedNames(metrics);
    expect(wanted.filter((name) => !served.has(name))).toEqual([]);
  });

  it('counts what happened: one open port PENDING, the platform outage by kind', () => {
    expect(metrics).toMatch(/^portflow_ports_open\{status="PENDING"\} 1$/m);
    expect(metrics).toMatch(/^portflow_ports_open\{status="CANCELLED"\} 0$/m);
    expect(metrics).toMatch(/^portflow_platform_errors\{[^}]*kind="unavailable"[^}]*\} [1-9]/m);
  });

  it('alerts on stuck ports, failing webhooks, exhausted workflow task slots and platform errors', () => {
    const alerts = rules.groups.flatMap((group) => group.rules);
    const about = (pattern: RegExp) => alerts.filter((rule) => pattern.test(rule.expr));
    expect(about(/portflow_ports_overdue/)).not.toHaveLength(0);
    expect(about(/portflow_webhook_attempts_failed/)).not.toHaveLength(0);
    expect(about(/temporal_worker_task_slots_available\{[^}]*WorkflowWorker/)).not.toHaveLength(0);
    expect(about(/portflow_platform_errors/)).not.toHaveLength(0);
    for (const rule of alerts) expect(rule.for).toMatch(/^\d+[smh]$/);
  });
});
