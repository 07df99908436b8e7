import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { configSchema } from '../../src/config';
import {
  CLUSTER_SERVICES,
  DATABASES,
  DYNAMIC_CONFIG,
  NUM_HISTORY_SHARDS,
  SQL_PLUGIN,
  namespaceCreateArgs,
  schemaSetupSteps,
} from '../../src/dev/temporal-cluster';
import { POSTGRES_USER } from '../../src/dev/postgres';
import { TEMPORAL_SERVER_VERSION } from '../../src/dev/temporal-server';
import { WORKER_HEAP_MIB } from '../../src/worker/heap';

/** CI has no Docker engine: this checks the structure users depend on, not a running stack. */
const ROOT = join(__dirname, '..', '..');

interface Service {
  image?: string;
  build?: string;
  command?: string[];
  entrypoint?: string[];
  volumes?: string[];
  environment?: Record<string, string | number>;
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
  deploy?: { replicas?: number };
}

const compose = parse(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8'), {
  merge: true,
}) as { services: Record<string, Service> };
const services = compose.services;
const configVariables = Object.keys(configSchema.shape);

describe('docker-compose.yml', () => {
  const frontendAddress = 'temporal-frontend:7233';
  const serverImage = `temporalio/server:${TEMPORAL_SERVER_VERSION.replace(/^v/, '')}`;
  const adminToolsImage = `temporalio/admin-tools:${TEMPORAL_SERVER_VERSION.replace(/^v/, '')}`;
  /** The lines of a one-shot admin-tools service's script that run `tool`. */
  const scriptLines = (name: string, tool: string) =>
    (services[name]?.command?.join('\n') ?? '')
      .split('\n')
      .map((line) => line.trim().replace(/ \|\|$/, ''))
      .filter((line) => line.startsWith(`${tool} `));

  it('runs the cluster the tests start: each Temporal service its own temporalio/server', () => {
    const temporalServices = CLUSTER_SERVICES.map((service) => `temporal-${service}`);
    expect(Object.keys(services)).toEqual(
      expect.arrayContaining(['postgresql', ...temporalServices, 'temporal-ui', 'api', 'worker']),
    );
    for (const [index, name] of temporalServices.entries()) {
      const service = services[name];
      expect({ name, image: service?.image }).toEqual({ name, image: serverImage });
      expect(service?.environment).toMatchObject({
        SERVICES: CLUSTER_SERVICES[index],
        DB: SQL_PLUGIN,
        POSTGRES_SEEDS: 'postgresql',
        POSTGRES_USER,
        DBNAME: DATABASES.temporal,
        VISIBILITY_DBNAME: DATABASES.visibility,
        NUM_HISTORY_SHARDS,
      });
      // The dynamic config the tests' cluster reads, mounted where the environment names it.
      const dynamicConfig = String(service?.environment?.DYNAMIC_CONFIG_FILE_PATH);
      expect(service?.volumes).toContain(`./deploy/dynamicconfig.yaml:${dynamicConfig}:ro`);
    }
    expect(existsSync(DYNAMIC_CONFIG)).toBe(true);
    expect(services['temporal-ui']?.environment?.TEMPORAL_ADDRESS).toBe(frontendAddress);
  });

  it('starts the frontend first, the other services once it answers', () => {
    for (const service of CLUSTER_SERVICES.slice(1)) {
      expect(services[`temporal-${service}`]?.depends_on).toEqual({
        'temporal-frontend': { condition: 'service_healthy' },
      });
    }
    expect(services['temporal-frontend']?.depends_on).toEqual({
      'temporal-schema': { condition: 'service_completed_successfully' },
    });
  });

  it('sets up the schema with admin-tools by the steps the tests run', () => {
    expect(services['temporal-schema']?.image).toBe(adminToolsImage);
    expect(scriptLines('temporal-schema', 'temporal-sql-tool')).toEqual(
      schemaSetupSteps('postgresql', 5432).map((step) => `temporal-sql-tool ${step.join(' ')}`),
    );
  });

  it('creates the namespace with the Temporal CLI as the tests do, before portflow starts', () => {
    expect(services['temporal-namespace']?.image).toBe(adminToolsImage);
    const create = scriptLines('temporal-namespace', 'temporal').filter((line) =>
      line.includes(' create '),
    );
    const namespace = '${TEMPORAL_NAMESPACE:-default}';
    expect(create).toEqual([
      `temporal ${namespaceCreateArgs(frontendAddress, namespace).join(' ')}`,
    ]);
    for (const name of ['api', 'worker']) {
      expect(services[name]?.depends_on).toMatchObject({
        'temporal-namespace': { condition: 'service_completed_successfully' },
      });
    }
  });

  it('runs the API and the worker from this repository’s image, as scalable replicas', () => {
    for (const name of ['api', 'worker']) {
      const service = services[name];
      expect(service?.build).toBe('.');
      expect(service?.deploy?.replicas).toBeGreaterThanOrEqual(2);
      const script = service?.command?.at(-1) ?? '';
      const source = script.replace(/^dist\//, 'src/').replace(/\.js$/, '.ts');
      expect(existsSync(join(ROOT, source))).toBe(true);
      expect(service?.environment?.TEMPORAL_ADDRESS).toBe(frontendAddress);
    }
  });

  it('starts the worker with its heap limit, as npm run start:worker does', () => {
    const flag = `--max-old-space-size=${WORKER_HEAP_MIB}`;
    expect(services.worker?.command).toEqual(['node', flag, 'dist/worker/index.js']);
    const scripts = (
      JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
        scripts: Record<string, string>;
      }
    ).scripts;
    expect(scripts['start:worker']).toContain(`node ${flag} dist/worker/index.js`);
  });

  it('gives portflow processes only variables src/config.ts knows', () => {
    for (const name of ['api', 'worker', 'emulator']) {
      for (const variable of Object.keys(services[name]?.environment ?? {})) {
        expect(configVariables).toContain(variable);
      }
    }
  });

  it('health-checks every service others wait on, and waits only on healthy ones or finished jobs', () => {
    for (const [name, service] of Object.entries(services)) {
      for (const [dependency, { condition }] of Object.entries(service.depends_on ?? {})) {
        expect(services).toHaveProperty([dependency]);
        // A one-shot job (schema, namespace) is waited on until it has finished.
        const job = services[dependency]?.image?.startsWith('temporalio/admin-tools:');
        expect({ name, dependency, condition }).toEqual({
          name,
          dependency,
          condition: job ? 'service_completed_successfully' : 'service_healthy',
        });
        if (!job) expect(services[dependency]?.healthcheck?.test.length).toBeGreaterThan(0);
      }
    }
    expect(services.api?.healthcheck?.test.join(' ')).toContain('/readyz');
  });

  it('is built by a Dockerfile whose copied paths and command exist', () => {
    const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
    const copied = [...dockerfile.matchAll(/^COPY (?!--from)(.+) \S+$/gm)].flatMap((match) =>
      match[1]!.split(/\s+/),
    );
    expect(copied.length).toBeGreaterThan(0);
    for (const path of copied) expect(existsSync(join(ROOT, path))).toBe(true);
    expect(dockerfile).toMatch(/RUN npm run build/);
    expect(dockerfile).toMatch(/CMD \["node", "dist\/api\/server\.js"\]/);
  });
});
