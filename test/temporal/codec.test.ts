import { defaultPayloadConverter } from '@temporalio/common';
import { EncryptionCodec, newCodecKey } from '../../src/temporal/codec';

describe('the payload codec', () => {
  const secretInput = { request: { pin: '4321', accountNumber: 'ACCT-998877' } };
  const payload = () => defaultPayloadConverter.toPayload(secretInput);

  it('encrypts so that no secret stays readable, and decrypts back', async () => {
    const codec = EncryptionCodec.fromBase64({ k1: newCodecKey() });
    const [encoded] = await codec.encode([payload()]);
    const visible =
      Buffer.from(JSON.stringify(encoded)).toString() +
      Buffer.from(encoded!.data!).toString('latin1');
    expect(visible).not.toContain('4321');
    expect(visible).not.toContain('ACCT-998877');
    expect(Buffer.from(encoded!.metadata!['encryption-key-id']!).toString()).toBe('k1');
    const [decoded] = await codec.decode([encoded!]);
    expect(defaultPayloadConverter.fromPayload(decoded!)).toEqual(secretInput);
  });

  it('rotates: a new first key encrypts, old keys still decrypt', async () => {
    const oldKey = newCodecKey();
    const before = EncryptionCodec.fromBase64({ old: oldKey });
    const after = EncryptionCodec.fromBase64({ new: newCodecKey(), old: oldKey });
    const [sealedBefore] = await before.encode([payload()]);
    const [sealedAfter] = await after.encode([payload()]);
    expect(Buffer.from(sealedAfter!.metadata!['encryption-key-id']!).toString()).toBe('new');
    const [opened] = await after.decode([sealedBefore!]);
    expect(defaultPayloadConverter.fromPayload(opened!)).toEqual(secretInput);
    await expect(before.decode([sealedAfter!])).rejects.toThrow(/no codec key "new"/);
  });

  it('refuses a payload that was tampered with', async () => {
    const codec = EncryptionCodec.fromBase64({ k1: newCodecKey() });
    const [sealed] = await codec.encode([payload()]);
    const data = Buffer.from(sealed!.data!);
    data[20] = (data[20] ?? 0) ^ 1;
    await expect(codec.decode([{ ...sealed!, data }])).rejects.toThrow();
  });

  it('passes payloads that were never encrypted through', async () => {
    const codec = EncryptionCodec.fromBase64({ k1: newCodecKey() });
    const plain = payload();
    expect(await codec.decode([plain])).toEqual([plain]);
  });
});
