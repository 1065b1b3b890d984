import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signPayload, verifySignature } from './signature.js';

describe('signature des livraisons', () => {
  const secret = 'whsec_essai';
  const body = '{"id":"42","event":"TRANSMITTED"}';

  it('est le HMAC-SHA256 hexadécimal de « horodatage.corps »', () => {
    const expected = createHmac('sha256', secret).update(`1700000000.${body}`).digest('hex');
    expect(signPayload(secret, 1700000000, body)).toBe(`sha256=${expected}`);
  });

  it('se vérifie, et refuse un corps, un secret ou un horodatage altérés ou trop anciens', () => {
    const signature = signPayload(secret, 1700000000, body);
    const now = 1700000100;
    expect(verifySignature(secret, { signature, timestamp: '1700000000' }, body, { now })).toBe(true);
    expect(verifySignature(secret, { signature, timestamp: '1700000000' }, `${body} `, { now })).toBe(false);
    expect(verifySignature('whsec_autre', { signature, timestamp: '1700000000' }, body, { now })).toBe(false);
    expect(verifySignature(secret, { signature, timestamp: '1700000001' }, body, { now })).toBe(false);
    expect(verifySignature(secret, { signature, timestamp: '1700000000' }, body, { now: 1700000000 + 301 })).toBe(false);
    expect(verifySignature(secret, { signature: null, timestamp: '1700000000' }, body, { now })).toBe(false);
  });
});
