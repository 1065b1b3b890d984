import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { searchKey } from '@infoparquet/validation';

/**
 * Les communes de France (code officiel géographique), d'après le paquet
 * @etalab/decoupage-administratif : seulement les communes actuelles, sans les communes déléguées
 * ou associées ni les arrondissements municipaux, qui ne sont pas des lieux à choisir.
 */
export interface Commune {
  /** Code INSEE (ex. 77288, 2A004). */
  code: string;
  name: string;
  /** Code du département (ex. 77, 2A, 971). */
  departement: string;
  postalCodes: string[];
}

interface RawCommune {
  code: string;
  nom: string;
  type: string;
  departement?: string;
  codesPostaux?: string[];
  population?: number;
}

interface IndexedCommune {
  commune: Commune;
  /** Nom sous sa forme de recherche (minuscules, sans accents ni tirets). */
  key: string;
  /** Débuts de mot du nom, en positions dans `key`. */
  wordStarts: number[];
  population: number;
}

export interface CommuneIndex {
  byCode: Map<string, Commune>;
  /** Toutes les communes, de la plus peuplée à la moins peuplée (l'ordre des résultats à rang égal). */
  byPopulation: IndexedCommune[];
  /** Communes par nom exact (forme de recherche). */
  byName: Map<string, IndexedCommune[]>;
  /** Codes INSEE triés, pour trouver un début de code par dichotomie. */
  sortedCodes: { key: string; entry: IndexedCommune }[];
  /** Codes postaux triés (une ligne par code postal et par commune). */
  sortedPostalCodes: { key: string; entry: IndexedCommune }[];
}

const require = createRequire(import.meta.url);

let index: Promise<CommuneIndex> | undefined;

/**
 * L'index des communes, construit à la première demande puis gardé en mémoire (8 Mo de JSON lus
 * une fois ; environ 35 000 communes). Un échec de lecture n'est pas mémorisé : la demande
 * suivante réessaie.
 */
export function communeIndex(): Promise<CommuneIndex> {
  index ??= loadIndex().catch((error: unknown) => {
    index = undefined;
    throw error;
  });
  return index;
}

async function loadIndex(): Promise<CommuneIndex> {
  const file = require.resolve('@etalab/decoupage-administratif/data/communes.json');
  const raw = JSON.parse(await readFile(file, 'utf8')) as RawCommune[];
  const byCode = new Map<string, Commune>();
  const entries: IndexedCommune[] = [];
  for (const item of raw) {
    if (item.type !== 'commune-actuelle' || !item.departement) continue;
    const commune: Commune = {
      code: item.code,
      name: item.nom,
      departement: item.departement,
      postalCodes: [...new Set(item.codesPostaux ?? [])].sort(),
    };
    byCode.set(commune.code, commune);
    const key = searchKey(commune.name);
    const wordStarts = [0];
    for (let position = key.indexOf(' '); position >= 0; position = key.indexOf(' ', position + 1)) wordStarts.push(position + 1);
    entries.push({ commune, key, wordStarts, population: item.population ?? 0 });
  }
  entries.sort((a, b) => b.population - a.population || a.commune.code.localeCompare(b.commune.code));
  const byName = new Map<string, IndexedCommune[]>();
  for (const entry of entries) byName.set(entry.key, [...(byName.get(entry.key) ?? []), entry]);
  const byKey = (a: { key: string }, b: { key: string }) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
  const sortedCodes = entries.map((entry) => ({ key: entry.commune.code, entry })).sort(byKey);
  const sortedPostalCodes = entries
    .flatMap((entry) => entry.commune.postalCodes.map((key) => ({ key, entry })))
    .sort(byKey);
  return { byCode, byPopulation: entries, byName, sortedCodes, sortedPostalCodes };
}

/** Les entrées dont la clé commence par `prefix`, dans un tableau trié par clé. */
function withPrefix(sorted: { key: string; entry: IndexedCommune }[], prefix: string): IndexedCommune[] {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (sorted[middle]!.key < prefix) low = middle + 1;
    else high = middle;
  }
  const found: IndexedCommune[] = [];
  for (let at = low; at < sorted.length && sorted[at]!.key.startsWith(prefix); at += 1) found.push(sorted[at]!.entry);
  return found;
}

/** Une saisie qui ressemble à un code : chiffres, ou 2A/2B pour la Corse. */
const CODE_LIKE = /^(\d+|2[ab]\d*)$/i;

/**
 * Recherche de communes :
 * - une saisie en chiffres (ou 2A…, 2B…) cherche le code INSEE exact, puis un début de code
 *   INSEE, puis un début de code postal, les plus peuplées d'abord ;
 * - une saisie en lettres cherche dans le nom sans tenir compte des accents, de la casse ni des
 *   tirets : le nom qui commence par la saisie, puis un mot du nom qui commence par elle
 *   (« denis » trouve Saint-Denis), puis le nom qui la contient ; à rang égal, la plus peuplée.
 */
export function searchCommunes(communes: CommuneIndex, search: string, first: number): Commune[] {
  const trimmed = search.trim();
  if (!trimmed) return [];
  if (CODE_LIKE.test(trimmed)) return searchByCode(communes, trimmed.toUpperCase(), first);
  const query = searchKey(trimmed);
  if (!query) return [];
  const exact = communes.byName.get(query) ?? [];
  const prefix: Commune[] = [];
  const wordPrefix: Commune[] = [];
  const inside: Commune[] = [];
  // Par population décroissante : dès que les deux meilleurs rangs suffisent, le reste est inutile.
  for (const entry of communes.byPopulation) {
    if (exact.length + prefix.length >= first) break;
    const at = entry.key.indexOf(query);
    if (at < 0 || entry.key === query) continue;
    if (at === 0) prefix.push(entry.commune);
    else if (entry.wordStarts.some((start) => entry.key.startsWith(query, start))) {
      if (wordPrefix.length < first) wordPrefix.push(entry.commune);
    } else if (inside.length < first) inside.push(entry.commune);
  }
  return [...exact.map((entry) => entry.commune), ...prefix, ...wordPrefix, ...inside].slice(0, first);
}

function searchByCode(communes: CommuneIndex, code: string, first: number): Commune[] {
  const byPopulation = (a: IndexedCommune, b: IndexedCommune) => b.population - a.population;
  const byInsee = withPrefix(communes.sortedCodes, code).sort(byPopulation);
  const byPostal = withPrefix(communes.sortedPostalCodes, code).sort(byPopulation);
  const exact = communes.byCode.get(code);
  const found = new Set<Commune>(exact ? [exact] : []);
  for (const entry of [...byInsee, ...byPostal]) {
    if (found.size >= first) break;
    found.add(entry.commune);
  }
  return [...found];
}

/** Le département d'une commune : celui du code officiel, sinon déduit du code INSEE. */
export function departementOf(communes: CommuneIndex, code: string): string {
  const known = communes.byCode.get(code);
  if (known) return known.departement;
  // Code ancien ou de commune déléguée : 97x outre-mer sur trois caractères, sinon deux.
  return code.startsWith('97') ? code.slice(0, 3) : code.slice(0, 2);
}
