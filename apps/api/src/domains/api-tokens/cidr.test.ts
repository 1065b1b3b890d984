import { describe, expect, it } from 'vitest';
import { addressIn, ipBytes, networkSet, parseNetwork } from './cidr.js';

describe('réseaux autorisés (CIDR)', () => {
  it('lit les réseaux IPv4 et IPv6, et une adresse seule comme un hôte', () => {
    expect(parseNetwork('203.0.113.0/24')).toMatchObject({ ok: true, text: '203.0.113.0/24' });
    expect(parseNetwork(' 2001:DB8::/32 ')).toMatchObject({ ok: true, text: '2001:db8::/32' });
    expect(parseNetwork('192.0.2.7')).toMatchObject({ ok: true, text: '192.0.2.7/32' });
    expect(parseNetwork('::1')).toMatchObject({ ok: true, text: '::1/128' });
    expect(parseNetwork('0.0.0.0/0')).toMatchObject({ ok: true, text: '0.0.0.0/0' });
  });

  it('refuse, avec un message en français, ce qui n’est pas un réseau', () => {
    for (const bad of ['', 'réseau', '10.0.0.0/33', '10.0.0/8', '2001:db8::/129', '10.0.0.0/-1', '10.0.0.0/8/8', '300.0.0.0/8', '10.0.0.0/ 8']) {
      const parsed = parseNetwork(bad);
      expect(parsed.ok, bad).toBe(false);
    }
    expect(parseNetwork('nimporte')).toMatchObject({ ok: false, message: expect.stringContaining('n’est pas une adresse IPv4 ou IPv6') });
    expect(parseNetwork('10.0.0.0/40')).toMatchObject({ ok: false, message: expect.stringContaining('entier de 0 à 32') });
  });

  it('refuse une adresse dont les bits d’hôte ne sont pas nuls (intention ambiguë)', () => {
    expect(parseNetwork('10.0.0.1/8')).toMatchObject({ ok: false, message: expect.stringContaining('bits d’hôte à zéro') });
    expect(parseNetwork('2001:db8::1/32')).toMatchObject({ ok: false });
    expect(parseNetwork('192.168.1.128/25')).toMatchObject({ ok: true });
  });

  it('décompose les adresses IPv6 abrégées et à suffixe IPv4', () => {
    expect([...ipBytes('::ffff:127.0.0.1')!]).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 127, 0, 0, 1]);
    expect([...ipBytes('2001:db8::1')!]).toEqual([0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
    expect(ipBytes('pas une adresse')).toBeNull();
  });

  it('teste l’appartenance, y compris d’une adresse IPv4 vue par une socket IPv6', () => {
    const set = networkSet(['203.0.113.0/24', '2001:db8::/32']);
    expect(addressIn(set, '203.0.113.200')).toBe(true);
    expect(addressIn(set, '::ffff:203.0.113.5')).toBe(true);
    expect(addressIn(set, '203.0.114.1')).toBe(false);
    expect(addressIn(set, '2001:db8:ffff::1')).toBe(true);
    expect(addressIn(set, '2001:db9::1')).toBe(false);
    expect(addressIn(set, null)).toBe(false);
    expect(addressIn(set, 'inconnue')).toBe(false);
  });
});
