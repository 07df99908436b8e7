import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { configSchema } from '../../src/config';
import { WORKER_HEAP_MIB } from '../../src/worker/heap';

/** CI has no Docker engine: this checks the structure users depend on, not a running stack. */
const ROOT = join(__dirname, '..', '..');

interface Service {
  image?: string;
  build?: string;
  command?: string[];
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
  it('runs PostgreSQL, Temporal on it, its Web UI, the API and the worker', () => {
    expect(Object.keys(services)).toEqual(
      expect.arrayContaining(['postgresql', 'temporal', 'temporal-ui', 'api', 'worker']),
    );
    expect(services.temporal?.image).toMatch(/^temporalio\/auto-setup:/);
    expect(services.temporal?.environment).toMatchObject({
      DB: 'postgres12',
      POSTGRES_SEEDS: 'postgresql',
    });
    expect(services['temporal-ui']?.environment?.TEMPORAL_ADDRESS).toBe('temporal:7233');
  });

  it('runs the API and the worker from this repository’s image, as scalable replicas', () => {
    for (const name of ['api', 'worker']) {
      const service = services[name];
      expect(service?.build).toBe('.');
      expect(service?.deploy?.replicas).toBeGreaterThanOrEqual(2);
      const script = service?.command?.at(-1) ?? '';
      const source = script.replace(/^dist\//, 'src/').replace(/\.js$/, '.ts');
      expect(existsSync(join(ROOT, source))).toBe(true);
      expect(service?.environment?.TEMPORAL_ADDRESS).toBe('temporal:7233');
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

  it('health-checks every service others wait on, and waits only on healthy ones', () => {
    for (const [name, service] of Object.entries(services)) {
      for (const [dependency, { condition }] of Object.entries(service.depends_on ?? {})) {
        expect(services).toHaveProperty([dependency]);
        expect({ name, dependency, condition }).toEqual({
          name,
          dependency,
          condition: 'service_healthy',
        });
        expect(services[dependency]?.healthcheck?.test.length).toBeGreaterThan(0);
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
