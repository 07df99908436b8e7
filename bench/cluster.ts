/**
 * Item C: the production topology beside the dev server, in the same run: a Temporal cluster
 * on PostgreSQL (frontend, history, matching and worker, each its own process, as the cluster
 * tests start it) with portflow's worker and API on it, measured as sections 1 and 2 measure
 * the dev server: ports to COMPLETED beside the bare baselines, and POST and GET port at fixed
 * rates beside a bare start and describe. The cluster's own CPU time is not counted.
 */
import { Client, Connection } from '@temporalio/client';
import { ensureTemporalServer } from '../src/dev/temporal-server';
import { resolveTemporalCli } from '../src/dev/temporal-cli';
import { startTemporalCluster } from '../src/dev/temporal-cluster';
import { dataConverterFor } from '../src/temporal/codec';
import { measureLatency, type LatencyKind, type LatencyRow } from './latency';
import { NAMESPACE, type Stack } from './stack';
import { measureThroughput, type ThroughputResult } from './throughput';

export interface ClusterResult {
  throughput: ThroughputResult;
  latency: LatencyRow[];
}

export const CLUSTER_LATENCY_KINDS: LatencyKind[] = [
  'POST port',
  'bare workflow.start',
  'GET port',
  'bare describe',
];

export async function measureCluster(
  stack: Stack,
  options: {
    throughput: { ports: number; concurrency: number; timeoutMs: number };
    latency: { rates: readonly number[]; durationMs: number; warmupMs: number };
  },
): Promise<ClusterResult> {
  const { logger } = stack;
  const [binaries, cli] = await Promise.all([
    ensureTemporalServer({ logger }),
    resolveTemporalCli({ logger }),
  ]);
  if (cli.source === 'sdk-download')
    throw new Error('No Temporal CLI: run npm run ensure-runtimes');
  const cluster = await startTemporalCluster({
    binaries,
    cliPath: cli.path,
    logger,
    namespace: NAMESPACE,
  });
  let connection: Connection | undefined;
  try {
    connection = await Connection.connect({ address: cluster.address });
    const on = {
      address: cluster.address,
      client: new Client({
        connection,
        namespace: NAMESPACE,
        dataConverter: dataConverterFor(stack.codecKeys),
      }),
      bareClient: new Client({ connection, namespace: NAMESPACE }),
      processes: [],
    };
    const throughput = await measureThroughput(stack, options.throughput, on);
    const latency = await measureLatency(stack, options.latency, on, CLUSTER_LATENCY_KINDS);
    return { throughput, latency };
  } finally {
    await connection?.close();
    await cluster.stop();
  }
}
