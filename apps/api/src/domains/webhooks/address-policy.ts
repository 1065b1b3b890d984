import { lookup as dnsLookup, type LookupAddress, type LookupAllOptions, type LookupOneOptions } from 'node:dns';
import { BlockList, isIP, type LookupFunction } from 'node:net';
import { BadUserInputError } from '../../errors.js';

/**
 * Protection contre la falsification de requêtes côté serveur (SSRF) : un webhook ne vise jamais
 * une adresse interne — privée, de bouclage, lien-local (dont 169.254.169.254, les métadonnées
 * des clouds), locale unique IPv6, partagée (CGNAT), non spécifiée, multidiffusion ou réservée, ni
 * leur forme IPv6 (::ffff:a.b.c.d, NAT64, 6to4). Vérifié à l'enregistrement, puis à chaque
 * livraison sur l'adresse effectivement résolue, à laquelle on se connecte (un nom qui change
 * d'adresse entre-temps — « DNS rebinding » — ne passe pas). Seuls les hôtes de
 * WEBHOOK_ALLOWED_HOSTS y échappent (tests, recette), et eux seuls peuvent être en http.
 */
const FORBIDDEN_IPV4: [string, number][] = [
  ['0.0.0.0', 8], // « ce réseau », dont 0.0.0.0
  ['10.0.0.0', 8], // privé
  ['100.64.0.0', 10], // partagé (CGNAT)
  ['127.0.0.0', 8], // bouclage
  ['169.254.0.0', 16], // lien-local (métadonnées des clouds)
  ['172.16.0.0', 12], // privé
  ['192.0.0.0', 24], // affectations du protocole IETF
  ['192.168.0.0', 16], // privé
  ['198.18.0.0', 15], // bancs d'essai
  ['224.0.0.0', 4], // multidiffusion
  ['240.0.0.0', 4], // réservé, dont la diffusion 255.255.255.255
];

const FORBIDDEN_IPV6: [string, number][] = [
  ['::', 96], // non spécifiée (::), bouclage (::1) et adresses « compatibles IPv4 » dépréciées
  ['64:ff9b::', 96], // NAT64 : une adresse IPv4 quelconque, dont les internes
  ['64:ff9b:1::', 48], // NAT64 local
  ['100::', 64], // à jeter
  ['2002::', 16], // 6to4 : une adresse IPv4 quelconque
  ['fc00::', 7], // locale unique
  ['fe80::', 10], // lien-local
  ['fec0::', 10], // site-local (dépréciée)
  ['ff00::', 8], // multidiffusion
];

const FORBIDDEN = new BlockList();
for (const [address, prefix] of FORBIDDEN_IPV4) FORBIDDEN.addSubnet(address, prefix, 'ipv4');
for (const [address, prefix] of FORBIDDEN_IPV6) FORBIDDEN.addSubnet(address, prefix, 'ipv6');

/** Vrai pour une adresse interne (la forme ::ffff:a.b.c.d est jugée comme l'adresse IPv4). */
export function isForbiddenAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return true;
  return FORBIDDEN.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

/** L'hôte d'une URL, sans les crochets d'une adresse IPv6. */
function hostOf(url: URL): string {
  return url.hostname.replace(/^\[(.*)\]$/, '$1').toLowerCase();
}

export function isAllowedHost(url: URL, allowedHosts: readonly string[]): boolean {
  return allowedHosts.includes(hostOf(url));
}

export const WEBHOOK_URL_MAX_LENGTH = 2000;

const INTERNAL = 'une adresse interne (privée, de bouclage, lien-local…) : un webhook doit viser une adresse publique.';

export type Resolver = (hostname: string) => Promise<LookupAddress[]>;

const systemResolver: Resolver = (hostname) =>
  new Promise((resolve, reject) => dnsLookup(hostname, { all: true }, (error, addresses) => (error ? reject(error) : resolve(addresses))));

function refuse(message: string): never {
  throw new BadUserInputError([{ field: 'url', message: `Adresse : ${message}` }]);
}

/**
 * Vérifie l'adresse d'un webhook à l'enregistrement : URL absolue https sans identifiants, dont
 * l'hôte ne se résout qu'en adresses publiques. Rend l'URL normalisée.
 */
export async function checkWebhookUrl(raw: string, allowedHosts: readonly string[], resolve: Resolver = systemResolver): Promise<string> {
  const text = raw.trim();
  if (text.length > WEBHOOK_URL_MAX_LENGTH) refuse(`${WEBHOOK_URL_MAX_LENGTH} caractères au plus.`);
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return refuse('une URL complète est attendue, ex. https://exemple.fr/webhooks/infoparquet.');
  }
  const allowed = isAllowedHost(url, allowedHosts);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && allowed)) refuse('https obligatoire (https://…).');
  if (url.username || url.password) refuse('sans identifiant ni mot de passe dans l’URL (les livraisons sont signées).');
  if (url.hash) refuse('sans fragment (#…).');
  if (allowed) return url.toString();
  const host = hostOf(url);
  if (isIP(host)) {
    if (isForbiddenAddress(host)) refuse(`${host} est ${INTERNAL}`);
    return url.toString();
  }
  let addresses: LookupAddress[];
  try {
    addresses = await resolve(host);
  } catch {
    return refuse(`le nom ${host} ne se résout pas (DNS).`);
  }
  if (addresses.length === 0) refuse(`le nom ${host} ne se résout pas (DNS).`);
  const internal = addresses.find((entry) => isForbiddenAddress(entry.address));
  if (internal) refuse(`${host} se résout en ${internal.address}, ${INTERNAL}`);
  return url.toString();
}

export class RefusedAddressError extends Error {
  readonly code = 'EWEBHOOKADDRESS';
}

/**
 * La résolution de noms des livraisons : la même que celle du système, mais qui refuse un nom dont
 * une adresse est interne. Passée à http(s).request, elle fait que la connexion se fait à une
 * adresse vérifiée, celle-là même qui vient d'être résolue.
 */
export const guardedLookup = ((hostname: string, options: LookupOneOptions | LookupAllOptions, callback: (...args: unknown[]) => void) => {
  dnsLookup(hostname, { all: true, family: options.family ?? 0, hints: options.hints }, (error, addresses) => {
    if (error) return callback(error);
    const internal = addresses.find((entry) => isForbiddenAddress(entry.address));
    if (internal || addresses.length === 0) {
      return callback(new RefusedAddressError(`${hostname} se résout en ${internal?.address ?? 'aucune adresse'}, adresse refusée (interne).`));
    }
    if (options.all) return callback(null, addresses);
    return callback(null, addresses[0]!.address, addresses[0]!.family);
  });
}) as unknown as LookupFunction;

/** L'adresse littérale d'une URL (IPv4 ou IPv6), ou `null` pour un nom. */
export function literalAddress(url: URL): string | null {
  const host = hostOf(url);
  return isIP(host) ? host : null;
}

