import { readFileSync } from 'node:fs';
import type { Interceptor } from '@grpc/grpc-js';
import {
  defaultGrpcRetryOptions,
  makeGrpcRetryInterceptor,
  type ConnectionOptions,
  type TLSConfig,
} from '@temporalio/client';
import { ConfigError, type Config } from '../config';

/** What both a client Connection and a worker NativeConnection accept. */
export interface TemporalConnectionOptions {
  address: string;
  tls?: TLSConfig;
  apiKey?: string;
}

type TemporalConfig = Pick<
  Config,
  | 'TEMPORAL_ADDRESS'
  | 'TEMPORAL_PORT'
  | 'TEMPORAL_TLS'
  | 'TEMPORAL_TLS_CERT_PATH'
  | 'TEMPORAL_TLS_KEY_PATH'
  | 'TEMPORAL_TLS_CA_PATH'
  | 'TEMPORAL_TLS_SERVER_NAME'
  | 'TEMPORAL_API_KEY'
>;

function readPem(variable: string, path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    throw new ConfigError([`${variable}: cannot read ${path} (${(error as Error).message})`]);
  }
}

/**
 * Connection options from the environment: a local server by default, mTLS with a client
 * certificate pair, or Temporal Cloud with an API key (which implies TLS).
 */
export function temporalConnectionOptions(config: TemporalConfig): TemporalConnectionOptions {
  const address = config.TEMPORAL_ADDRESS ?? `127.0.0.1:${config.TEMPORAL_PORT}`;
  const certPath = config.TEMPORAL_TLS_CERT_PATH;
  const keyPath = config.TEMPORAL_TLS_KEY_PATH;
  if ((certPath === undefined) !== (keyPath === undefined)) {
    throw new ConfigError([
      'TEMPORAL_TLS_CERT_PATH and TEMPORAL_TLS_KEY_PATH: set both for mTLS, or neither',
    ]);
  }
  const useTls =
    config.TEMPORAL_TLS ||
    certPath !== undefined ||
    config.TEMPORAL_TLS_CA_PATH !== undefined ||
    config.TEMPORAL_TLS_SERVER_NAME !== undefined ||
    config.TEMPORAL_API_KEY !== undefined;
  if (!useTls) return { address };

  const tls: TLSConfig = {};
  if (certPath !== undefined && keyPath !== undefined) {
    tls.clientCertPair = {
      crt: readPem('TEMPORAL_TLS_CERT_PATH', certPath),
      key: readPem('TEMPORAL_TLS_KEY_PATH', keyPath),
    };
  }
  if (config.TEMPORAL_TLS_CA_PATH !== undefined) {
    tls.serverRootCACertificate = readPem('TEMPORAL_TLS_CA_PATH', config.TEMPORAL_TLS_CA_PATH);
  }
  if (config.TEMPORAL_TLS_SERVER_NAME !== undefined) {
    tls.serverNameOverride = config.TEMPORAL_TLS_SERVER_NAME;
  }
  return config.TEMPORAL_API_KEY === undefined
    ? { address, tls }
    : { address, tls, apiKey: config.TEMPORAL_API_KEY };
}

/**
 * Temporal's own gRPC retries (UNAVAILABLE and the like, backing off up to 5 s between
 * attempts), except that they never sleep past the call's deadline: with Temporal down, a call
 * given 10 s fails after 10 s, where the default retries answered up to 5 s later.
 */
function deadlineBoundRetries(): Interceptor {
  const defaults = defaultGrpcRetryOptions();
  return (options, nextCall) => {
    const { deadline } = options;
    const until =
      deadline === undefined
        ? Infinity
        : typeof deadline === 'number'
          ? deadline
          : deadline.getTime();
    return makeGrpcRetryInterceptor({
      retryableDecider: (attempt, status) =>
        Date.now() < until && defaults.retryableDecider(attempt, status),
      delayFunction: (attempt, status) =>
        Math.min(defaults.delayFunction(attempt, status), Math.max(0, until - Date.now())),
    })(options, nextCall);
  };
}

/** What a client Connection (the API's) takes: the options above with deadline-bound retries. */
export function clientConnectionOptions(options: TemporalConnectionOptions): ConnectionOptions {
  return { ...options, interceptors: [deadlineBoundRetries()] };
}
