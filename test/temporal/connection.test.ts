import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from '../../src/config';
import { temporalConnectionOptions } from '../../src/temporal/connection';

describe('temporalConnectionOptions', () => {
  let dir: string;
  const pem = (name: string) => {
    const path = join(dir, name);
    writeFileSync(path, `-----BEGIN ${name}-----\n`);
    return path;
  };

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'portflow-tls-'));
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('connects in plain text to the local dev server by default', () => {
    expect(temporalConnectionOptions(loadConfig({}))).toEqual({ address: '127.0.0.1:7233' });
    expect(temporalConnectionOptions(loadConfig({ TEMPORAL_PORT: '7999' }))).toEqual({
      address: '127.0.0.1:7999',
    });
  });

  it('uses mTLS with a client certificate pair, a CA and a server name', () => {
    const options = temporalConnectionOptions(
      loadConfig({
        TEMPORAL_ADDRESS: 'temporal.internal:7233',
        TEMPORAL_TLS_CERT_PATH: pem('CERT'),
        TEMPORAL_TLS_KEY_PATH: pem('KEY'),
        TEMPORAL_TLS_CA_PATH: pem('CA'),
        TEMPORAL_TLS_SERVER_NAME: 'temporal',
      }),
    );
    expect(options.address).toBe('temporal.internal:7233');
    expect(options.tls?.serverNameOverride).toBe('temporal');
    expect(options.tls?.clientCertPair?.crt.toString()).toContain('BEGIN CERT');
    expect(options.tls?.clientCertPair?.key.toString()).toContain('BEGIN KEY');
    expect(options.tls?.serverRootCACertificate?.toString()).toContain('BEGIN CA');
    expect(options.apiKey).toBeUndefined();
  });

  it('uses an API key over TLS for Temporal Cloud', () => {
    expect(
      temporalConnectionOptions(
        loadConfig({
          TEMPORAL_ADDRESS: 'eu-west-1.aws.api.temporal.io:7233',
          TEMPORAL_API_KEY: 'key-123',
        }),
      ),
    ).toEqual({ address: 'eu-west-1.aws.api.temporal.io:7233', tls: {}, apiKey: 'key-123' });
  });

  it('turns on TLS by itself when TEMPORAL_TLS=true', () => {
    expect(temporalConnectionOptions(loadConfig({ TEMPORAL_TLS: 'true' })).tls).toEqual({});
  });

  it('refuses half a certificate pair and unreadable files, naming the variable', () => {
    expect(() =>
      temporalConnectionOptions(loadConfig({ TEMPORAL_TLS_CERT_PATH: pem('CERT') })),
    ).toThrow(ConfigError);
    expect(() =>
      temporalConnectionOptions(loadConfig({ TEMPORAL_TLS_CA_PATH: join(dir, 'missing.pem') })),
    ).toThrow(/TEMPORAL_TLS_CA_PATH/);
  });
});
