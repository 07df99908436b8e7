/**
 * A self-hosted Temporal cluster on PostgreSQL, as production runs it: frontend, history,
 * matching and worker as processes of their own, on free loopback ports, with everything
 * in one temp dir. docker-compose.yml runs the same topology (test/deploy/compose.test.ts).
 */
import { randomUUID } from 'node:crypto';
import { chmodSync, copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { Connection } from '@temporalio/client';
import type { Logger } from '../logger';
import { runToCompletion, startChild, type ManagedChild } from './child-process';
import { freePort, freePortInRange, waitForTemporal } from './net';
import { POSTGRES_USER, startPostgres, type RunningPostgres } from './postgres';
import type { TemporalServerBinaries } from './temporal-server';
import { repoPath } from './repo-path';

export const CLUSTER_SERVICES = ['frontend', 'history', 'matching', 'worker'] as const;
export type ClusterService = (typeof CLUSTER_SERVICES)[number];

export const SQL_PLUGIN = 'postgres12';
export const NUM_HISTORY_SHARDS = 4;
/** Ignored by the tests' PostgreSQL (trust on loopback); docker-compose's sets it. */
export const POSTGRES_PASSWORD = 'temporal';
export const DATABASES = { temporal: 'temporal', visibility: 'temporal_visibility' } as const;
export const NAMESPACE_RETENTION = '72h';
export const DYNAMIC_CONFIG = repoPath('deploy', 'dynamicconfig.yaml');

/**
 * The sql tool's steps that make an empty PostgreSQL ready for the server, as arguments of
 * `temporal-sql-tool` (admin-tools) or the `sql` binary; the password is in SQL_PASSWORD.
 */
export function schemaSetupSteps(host: string, port: number): string[][] {
  const schemas = [
    [DATABASES.temporal, 'postgresql/v12/temporal'],
    [DATABASES.visibility, 'postgresql/v12/visibility'],
  ] as const;
  return schemas.flatMap(([database, schemaName]) => {
    const common = ['--plugin', SQL_PLUGIN, '--ep', host, '-u', POSTGRES_USER, '-p', String(port)];
    // -q: a database or schema already there (a second `docker compose up`) is no error.
    return [
      ['-q', ...common, '--db', database, 'create'],
      ['-q', ...common, '--db', database, 'setup-schema', '-v', '0.0'],
      [...common, '--db', database, 'update-schema', '--schema-name', schemaName],
    ];
  });
}

/** The Temporal CLI's arguments that create portflow's namespace on a fresh cluster. */
export function namespaceCreateArgs(address: string, namespace: string): string[] {
  return [
    'operator',
    'namespace',
    'create',
    '--address',
    address,
    '--namespace',
    namespace,
    '--retention',
    NAMESPACE_RETENTION,
  ];
}

interface ServicePorts {
  grpcPort: number;
  membershipPort: number;
}

/**
 * The server's configuration, from the module's config/development-postgres12.yaml: no
 * metrics or pprof listeners (four processes would fight over one port), no HTTP API.
 * Written as JSON, which YAML reads as it is.
 */
function serverConfig(
  postgresPort: number,
  ports: Record<ClusterService, ServicePorts>,
  dynamicConfigPath: string,
) {
  const datastore = (databaseName: string, maxConns: number) => ({
    sql: {
      pluginName: SQL_PLUGIN,
      databaseName,
      connectAddr: `127.0.0.1:${postgresPort}`,
      connectProtocol: 'tcp',
      user: POSTGRES_USER,
      password: POSTGRES_PASSWORD,
      maxConns,
      maxIdleConns: maxConns,
      maxConnLifetime: '1h',
    },
  });
  const archivalOff = { history: { state: 'disabled' }, visibility: { state: 'disabled' } };
  return {
    log: { stdout: true, level: 'warn' },
    persistence: {
      defaultStore: 'postgres-default',
      visibilityStore: 'postgres-visibility',
      numHistoryShards: NUM_HISTORY_SHARDS,
      datastores: {
        'postgres-default': datastore(DATABASES.temporal, 20),
        'postgres-visibility': datastore(DATABASES.visibility, 10),
      },
    },
    global: { membership: { maxJoinDuration: '30s', broadcastAddress: '127.0.0.1' } },
    services: Object.fromEntries(
      CLUSTER_SERVICES.map((service) => [
        service,
        { rpc: { ...ports[service], bindOnLocalHost: true } },
      ]),
    ),
    clusterMetadata: {
      enableGlobalNamespace: false,
      failoverVersionIncrement: 10,
      masterClusterName: 'active',
      currentClusterName: 'active',
      clusterInformation: {
        active: {
          enabled: true,
          initialFailoverVersion: 1,
          rpcName: 'frontend',
          rpcAddress: `127.0.0.1:${ports.frontend.grpcPort}`,
        },
      },
    },
    dcRedirectionPolicy: { policy: 'noop' },
    archival: archivalOff,
    namespaceDefaults: { archival: archivalOff },
    dynamicConfigClient: { filepath: dynamicConfigPath, pollInterval: '10s' },
  };
}

export interface RunningCluster {
  /** The frontend's gRPC `host:port`. */
  address: string;
  namespace: string;
  postgres: RunningPostgres;
  /** SIGKILL to one service's process, as a crash. */
  kill(service: ClusterService): Promise<void>;
  /** Starts a service again (after `kill`); resolves once a workflow start goes through. */
  start(service: ClusterService): Promise<void>;
  stop(): Promise<void>;
}

export interface ClusterOptions {
  binaries: TemporalServerBinaries;
  /** The Temporal CLI, which creates the namespace as docker-compose's setup does. */
  cliPath: string;
  logger: Logger;
  namespace: string;
  readyTimeoutMs?: number;
}

/**
 * Starts PostgreSQL, sets up its schema, then the frontend alone (started together on a fresh
 * database, the others die on cluster_metadata's primary key), then history, matching and
 * worker; resolves once a workflow start goes through, which needs history.
 */
export async function startTemporalCluster(options: ClusterOptions): Promise<RunningCluster> {
  const { binaries, namespace } = options;
  const logger = options.logger.child({ component: 'temporal-cluster' });
  const readyTimeoutMs = options.readyTimeoutMs ?? 120_000;
  const dir = mkdtempSync(join(tmpdir(), 'portflow-cluster-'));
  // PostgreSQL runs as its own user, which must reach its data dir below this one.
  chmodSync(dir, 0o755);
  const children = new Map<ClusterService, ManagedChild>();
  let postgres: RunningPostgres | undefined;
  const stop = async () => {
    await Promise.all([...children.values()].map((child) => child.stop()));
    await postgres?.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const postgresPort = await freePort();
    const ports = {} as Record<ClusterService, ServicePorts>;
    for (const service of CLUSTER_SERVICES) {
      // cluster_membership keeps the membership port in a smallint: ephemeral ports overflow it.
      ports[service] = {
        grpcPort: await freePort(),
        membershipPort: await freePortInRange(20_000, 32_767),
      };
    }
    const address = `127.0.0.1:${ports.frontend.grpcPort}`;

    postgres = await startPostgres({ logger, dir: join(dir, 'postgresql'), port: postgresPort });
    const sqlEnv = { ...process.env, SQL_PASSWORD: POSTGRES_PASSWORD };
    for (const step of schemaSetupSteps('127.0.0.1', postgresPort)) {
      await runToCompletion(binaries.sql, step, { logger, env: sqlEnv });
    }
    const dynamicConfigPath = join(dir, 'dynamicconfig.yaml');
    copyFileSync(DYNAMIC_CONFIG, dynamicConfigPath);
    writeFileSync(
      join(dir, 'cluster.yaml'),
      JSON.stringify(serverConfig(postgresPort, ports, dynamicConfigPath), null, 2),
    );

    const start = (service: ClusterService) => {
      const args = ['--root', dir, '--config', '.', '--env', 'cluster', '--allow-no-auth'];
      const child = startChild(binaries.server, [...args, 'start', '--service', service], {
        logger: logger.child({ service }),
        cwd: dir,
      });
      children.set(service, child);
    };
    const failed = () =>
      [...children.entries()]
        .map(([service, child]) => {
          const reason = child.exitReason();
          return reason && `${service}: ${reason}\n${child.recentOutput()}`;
        })
        .find(Boolean);

    start('frontend');
    await waitForTemporal(address, { timeoutMs: readyTimeoutMs, failed });
    for (const service of CLUSTER_SERVICES.slice(1)) start(service);
    await runToCompletion(options.cliPath, namespaceCreateArgs(address, namespace), { logger });
    await waitForHistory(address, namespace, readyTimeoutMs, failed);
    logger.info({ address, namespace, dir }, 'Temporal cluster ready');

    return {
      address,
      namespace,
      postgres,
      async kill(service) {
        await children.get(service)?.kill();
      },
      async start(service) {
        start(service);
        await waitForHistory(address, namespace, readyTimeoutMs, failed);
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * `operator cluster health` says SERVING before history is up, so readiness is a real
 * workflow start (terminated at once); it also waits out the namespace cache's refresh.
 */
async function waitForHistory(
  address: string,
  namespace: string,
  timeoutMs: number,
  failed: () => string | undefined,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const connection = await Connection.connect({ address });
  try {
    for (let lastError: unknown; ;) {
      const failure = failed();
      if (failure) throw new Error(failure);
      if (Date.now() > deadline) {
        throw new Error(
          `Temporal cluster at ${address}: no workflow start in ${timeoutMs} ms: ${String(lastError)}`,
        );
      }
      const workflowId = `portflow-cluster-probe-${randomUUID()}`;
      try {
        await connection.workflowService.startWorkflowExecution({
          namespace,
          workflowId,
          workflowType: { name: 'portflowClusterProbe' },
          taskQueue: { name: 'portflow-cluster-probe' },
          requestId: randomUUID(),
        });
        await connection.workflowService.terminateWorkflowExecution({
          namespace,
          workflowExecution: { workflowId },
          reason: 'readiness probe',
        });
        return;
      } catch (error) {
        lastError = error;
        await delay(250);
      }
    }
  } finally {
    await connection.close();
  }
}
