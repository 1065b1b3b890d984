import { BlockList, isIP, isIPv4 } from 'node:net';

/**
 * Adresses IP et réseaux CIDR (IPv4 et IPv6), sans dépendance : `node:net` valide les adresses et
 * sait tester l'appartenance à un réseau (`BlockList`, qui reconnaît aussi une adresse IPv4 écrite
 * en IPv6, ::ffff:a.b.c.d). Ce module sert aux réseaux autorisés d'un jeton d'API et au refus des
 * adresses internes pour les webhooks.
 */

export type IpFamily = 'ipv4' | 'ipv6';

export interface Network {
  address: string;
  prefix: number;
  family: IpFamily;
}

/** Les octets d'une adresse valide (4 ou 16), ou `null`. */
export function ipBytes(address: string): Uint8Array | null {
  const family = isIP(address);
  if (family === 4) return Uint8Array.from(address.split('.').map(Number));
  if (family !== 6) return null;
  let text = address.toLowerCase();
  const bytes = new Uint8Array(16);
  // Les 32 derniers bits peuvent s'écrire en notation IPv4 (::ffff:127.0.0.1).
  const lastColon = text.lastIndexOf(':');
  const tail = text.slice(lastColon + 1);
  let words: number[] = [];
  if (tail.includes('.')) {
    const v4 = ipBytes(tail)!;
    text = `${text.slice(0, lastColon + 1)}${((v4[0]! << 8) | v4[1]!).toString(16)}:${((v4[2]! << 8) | v4[3]!).toString(16)}`;
  }
  const [head, rest] = text.split('::') as [string, string | undefined];
  const parse = (part: string) => (part === '' ? [] : part.split(':').map((word) => parseInt(word, 16)));
  if (rest === undefined) {
    words = parse(head);
  } else {
    const left = parse(head);
    const right = parse(rest);
    words = [...left, ...Array<number>(8 - left.length - right.length).fill(0), ...right];
  }
  words.forEach((word, index) => {
    bytes[index * 2] = word >> 8;
    bytes[index * 2 + 1] = word & 0xff;
  });
  return bytes;
}

/** Vrai si tous les bits après le préfixe sont nuls (l'adresse est bien celle du réseau). */
function hostBitsZero(bytes: Uint8Array, prefix: number): boolean {
  for (let bit = prefix; bit < bytes.length * 8; bit += 1) {
    if ((bytes[bit >> 3]! >> (7 - (bit & 7))) & 1) return false;
  }
  return true;
}

export type NetworkParse = { ok: true; network: Network; text: string } | { ok: false; message: string };

/**
 * Lit un réseau écrit `adresse/préfixe` (10.0.0.0/8, 2001:db8::/32) ou une adresse seule (un hôte :
 * /32 ou /128). Refuse une adresse dont les bits d'hôte ne sont pas nuls (10.0.0.1/8) : l'intention
 * est ambiguë. Rend aussi la forme enregistrée, toujours avec son préfixe.
 */
export function parseNetwork(input: string): NetworkParse {
  const text = input.trim();
  const slash = text.indexOf('/');
  const address = (slash === -1 ? text : text.slice(0, slash)).toLowerCase();
  const bytes = ipBytes(address);
  if (!bytes) return { ok: false, message: `« ${input} » n’est pas une adresse IPv4 ou IPv6, ni un réseau CIDR (ex. 203.0.113.0/24, 2001:db8::/32).` };
  const family: IpFamily = bytes.length === 4 ? 'ipv4' : 'ipv6';
  const max = bytes.length * 8;
  let prefix = max;
  if (slash !== -1) {
    const raw = text.slice(slash + 1);
    if (!/^\d{1,3}$/.test(raw) || Number(raw) > max) {
      return { ok: false, message: `« ${input} » : le préfixe doit être un entier de 0 à ${max}.` };
    }
    prefix = Number(raw);
  }
  if (!hostBitsZero(bytes, prefix)) {
    return { ok: false, message: `« ${input} » : l’adresse doit être celle du réseau (bits d’hôte à zéro pour /${prefix}).` };
  }
  return { ok: true, network: { address, prefix, family }, text: `${address}/${prefix}` };
}

/** Un ensemble de réseaux à tester. Les entrées illisibles sont ignorées (elles ont été validées à l'écriture). */
export function networkSet(networks: readonly string[]): BlockList {
  const list = new BlockList();
  for (const entry of networks) {
    const parsed = parseNetwork(entry);
    if (parsed.ok) list.addSubnet(parsed.network.address, parsed.network.prefix, parsed.network.family);
  }
  return list;
}

/** Vrai si l'adresse appartient à l'ensemble (une adresse IPv4 écrite ::ffff:a.b.c.d compte comme IPv4). */
export function addressIn(list: BlockList, address: string | null | undefined): boolean {
  if (!address || !isIP(address)) return false;
  return list.check(address, isIPv4(address) ? 'ipv4' : 'ipv6');
}
