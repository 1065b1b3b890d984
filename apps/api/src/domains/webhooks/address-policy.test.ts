import { describe, expect, it } from 'vitest';
import { BadUserInputError } from '../../errors.js';
import { checkWebhookUrl, isForbiddenAddress, type Resolver } from './address-policy.js';

const resolverOf = (table: Record<string, string[]>): Resolver => async (host) => {
  const addresses = table[host];
  if (!addresses) throw Object.assign(new Error('ENOTFOUND'), { code: 'ENOTFOUND' });
  return addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
};

async function refusal(url: string, resolve: Resolver = resolverOf({}), allowed: string[] = []) {
  try {
    await checkWebhookUrl(url, allowed, resolve);
  } catch (error) {
    expect(error).toBeInstanceOf(BadUserInputError);
    return (error as BadUserInputError).message;
  }
  throw new Error(`${url} aurait dû être refusée`);
}

describe('adresses de webhook (SSRF)', () => {
  it('classe les adresses internes, y compris leurs formes IPv6', () => {
    const internal = ['127.0.0.1', '10.1.2.3', '172.16.0.1', '172.31.255.255', '192.168.0.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '255.255.255.255', '224.0.0.1',
      '::', '::1', 'fe80::1', 'fc00::1', 'fd12:3456::1', 'ff02::1', '::ffff:127.0.0.1', '::ffff:10.0.0.1', '64:ff9b::7f00:1', '2002:7f00:1::1'];
    for (const address of internal) expect(isForbiddenAddress(address), address).toBe(true);
    for (const address of ['93.184.216.34', '8.8.8.8', '172.32.0.1', '2606:4700:4700::1111', '::ffff:8.8.8.8']) expect(isForbiddenAddress(address), address).toBe(false);
  });

  it('refuse http, les identifiants dans l’URL et ce qui n’est pas une URL', async () => {
    expect(await refusal('http://exemple.fr/hook')).toContain('https obligatoire');
    expect(await refusal('ftp://exemple.fr/hook')).toContain('https obligatoire');
    expect(await refusal('https://moi:secret@exemple.fr/hook', resolverOf({ 'exemple.fr': ['93.184.216.34'] }))).toContain('sans identifiant');
    expect(await refusal('exemple.fr/hook')).toContain('URL complète');
  });

  it('refuse les adresses littérales internes et les noms qui s’y résolvent (une seule suffit)', async () => {
    for (const url of ['https://127.0.0.1/', 'https://10.0.0.1/', 'https://169.254.169.254/latest/meta-data/', 'https://[::1]/', 'https://[::ffff:127.0.0.1]/', 'https://0x7f000001/']) {
      expect(await refusal(url), url).toContain('adresse interne');
    }
    const dns = resolverOf({ 'interne.exemple.fr': ['93.184.216.34', '10.0.0.5'], 'introuvable.exemple.fr': [] });
    expect(await refusal('https://interne.exemple.fr/hook', dns)).toContain('se résout en 10.0.0.5');
    expect(await refusal('https://inconnu.exemple.fr/hook', dns)).toContain('ne se résout pas');
  });

  it('accepte une adresse publique, et les hôtes de WEBHOOK_ALLOWED_HOSTS même en http', async () => {
    const dns = resolverOf({ 'recepteur.exemple.fr': ['93.184.216.34', '2606:2800:220:1::1'] });
    await expect(checkWebhookUrl('https://recepteur.exemple.fr/hook?x=1', [], dns)).resolves.toBe('https://recepteur.exemple.fr/hook?x=1');
    await expect(checkWebhookUrl('http://127.0.0.1:8080/hook', ['127.0.0.1'])).resolves.toBe('http://127.0.0.1:8080/hook');
    expect(await refusal('http://127.0.0.1:8080/hook', undefined, ['localhost'])).toContain('https obligatoire');
  });
});
