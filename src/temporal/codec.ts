import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { DataConverter, Payload, PayloadCodec } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { redactCustomerSecrets } from '../domain/secrets';

const ENCODING = 'binary/encrypted';
const KEY_ID = 'encryption-key-id';
const IV_BYTES = 12;
const TAG_BYTES = 16;

const text = (value: string) => new TextEncoder().encode(value);
const read = (bytes: Uint8Array | null | undefined) => new TextDecoder().decode(bytes ?? undefined);

/**
 * Encrypts every payload with AES-256-GCM, so carrier PINs and account numbers never sit in
 * clear in Temporal. The key id travels in the payload's metadata: keys rotate by putting a
 * new key first and keeping the old ones for decoding.
 */
export class EncryptionCodec implements PayloadCodec {
  private readonly keys: ReadonlyMap<string, Buffer>;
  private readonly activeKeyId: string;

  /** `keys` in order of preference: the first one encrypts, every one decrypts. */
  constructor(keys: Record<string, Buffer>) {
    const entries = Object.entries(keys);
    const first = entries[0];
    if (!first) throw new Error('the payload codec needs at least one key');
    for (const [id, key] of entries) {
      if (key.length !== 32) throw new Error(`codec key ${id} is not 32 bytes`);
    }
    this.keys = new Map(entries);
    this.activeKeyId = first[0];
  }

  static fromBase64(keys: Record<string, string>): EncryptionCodec {
    return new EncryptionCodec(
      Object.fromEntries(Object.entries(keys).map(([id, key]) => [id, Buffer.from(key, 'base64')])),
    );
  }

  encode(payloads: Payload[]): Promise<Payload[]> {
    const key = this.keys.get(this.activeKeyId) as Buffer;
    return Promise.resolve().then(() =>
      payloads.map((payload) => {
        const iv = randomBytes(IV_BYTES);
        const cipher = createCipheriv('aes-256-gcm', key, iv);
        const plain = temporal.api.common.v1.Payload.encode(payload).finish();
        const sealed = Buffer.concat([
          iv,
          cipher.update(plain),
          cipher.final(),
          cipher.getAuthTag(),
        ]);
        return {
          metadata: { encoding: text(ENCODING), [KEY_ID]: text(this.activeKeyId) },
          data: sealed,
        };
      }),
    );
  }

  /** Rejects a payload whose key is unknown or whose bytes were altered. */
  decode(payloads: Payload[]): Promise<Payload[]> {
    return Promise.resolve().then(() =>
      payloads.map((payload) => {
        if (read(payload.metadata?.encoding) !== ENCODING) return payload;
        const keyId = read(payload.metadata?.[KEY_ID]);
        const key = this.keys.get(keyId);
        if (!key) throw new Error(`no codec key "${keyId}" to decrypt a payload`);
        const sealed = Buffer.from(payload.data ?? new Uint8Array());
        const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(0, IV_BYTES));
        decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
        const plain = Buffer.concat([
          decipher.update(sealed.subarray(IV_BYTES, sealed.length - TAG_BYTES)),
          decipher.final(),
        ]);
        return temporal.api.common.v1.Payload.decode(plain);
      }),
    );
  }
}

/** The data converter of every portflow client and worker: every payload encrypted. */
export function dataConverterFor(codecKeys: Record<string, string>): DataConverter {
  return { payloadCodecs: [EncryptionCodec.fromBase64(codecKeys)] };
}

/**
 * A decoded payload as an operator may read it: a JSON value with every customer secret
 * replaced by `[REDACTED]`. Only the worker ever needs the secrets themselves.
 */
export function withoutCustomerSecrets(payload: Payload): Payload {
  if (read(payload.metadata?.encoding) !== 'json/plain') return payload;
  let value: unknown;
  try {
    value = JSON.parse(read(payload.data));
  } catch {
    return payload;
  }
  const redacted = redactCustomerSecrets(value);
  return redacted === value ? payload : { ...payload, data: text(JSON.stringify(redacted)) };
}

/** A payload as Temporal's remote-codec JSON carries it: every byte string in base64. */
export interface RemotePayload {
  metadata: Record<string, string>;
  data: string;
}

export const toRemotePayload = ({ metadata, data }: Payload): RemotePayload => ({
  metadata: Object.fromEntries(
    Object.entries(metadata ?? {}).map(([key, value]) => [
      key,
      Buffer.from(value ?? []).toString('base64'),
    ]),
  ),
  data: Buffer.from(data ?? []).toString('base64'),
});

export const fromRemotePayload = ({ metadata, data }: RemotePayload): Payload => ({
  metadata: Object.fromEntries(
    Object.entries(metadata).map(([key, value]) => [key, Buffer.from(value, 'base64')]),
  ),
  data: Buffer.from(data, 'base64'),
});

/** A fresh key for CODEC_KEYS, base64. */
export function newCodecKey(): string {
  return randomBytes(32).toString('base64');
}
