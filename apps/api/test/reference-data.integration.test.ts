import { NATINF_OFFENCES } from '@infoparquet/validation';
import { describe, expect, it } from 'vitest';
import { createWorld, errorCode, setupIntegration, type Actor } from './helpers.js';

/**
 * Référentiels du formulaire de signalement : communes, codes NATINF, parquets suggérés. Réservés
 * aux utilisateurs connectés (tous les rôles : aucun n'est refusé, l'opérateur compris).
 */
const t = setupIntegration();

const COMMUNES = `query($search: String!, $first: Int!) { communes(search: $search, first: $first) { code name departement postalCodes } }`;
const COMMUNE = `query($code: String!) { commune(code: $code) { code name departement postalCodes } }`;
const NATINFS = `query($search: String!, $first: Int!) { natinfs(search: $search, first: $first) { code label } }`;
const SUGGESTED = `query($codes: [String!]!) { suggestedParquets(communeCodes: $codes) { code name ressort } }`;

const MELUN = { code: '77288', name: 'Melun', departement: '77', postalCodes: ['77000'] };

async function ok<Data = Record<string, any>>(actor: Actor, document: string, variables: Record<string, unknown> = {}) {
  const response = await actor.client.gql<Data>(document, variables);
  expect(response.errors).toBeUndefined();
  return response.data!;
}

describe('référentiels : accès', () => {
  it('sans session : UNAUTHENTICATED pour chaque référentiel ; tout utilisateur connecté, l’opérateur compris, y a accès', async () => {
    const w = await createWorld(t);
    const operations: [string, Record<string, unknown>][] = [
      [COMMUNES, { search: 'Melun', first: 5 }],
      [COMMUNE, { code: '77288' }],
      [NATINFS, { search: 'travail', first: 5 }],
      [SUGGESTED, { codes: ['77288'] }],
    ];
    for (const [document, variables] of operations) {
      expect(errorCode(await t.anonymous.gql(document, variables))).toBe('UNAUTHENTICATED');
      expect(errorCode(await t.clientWithToken('ips_inconnu').gql(document, variables))).toBe('UNAUTHENTICATED');
      for (const actor of [w.agent, w.reader, w.clerk, w.head, w.platformAdmin]) {
        expect((await actor.client.gql(document, variables)).errors).toBeUndefined();
      }
    }
  });
});

describe('communes', () => {
  it('trouve Melun par son nom, quels que soient les accents et la casse, par code postal et par code INSEE', async () => {
    const w = await createWorld(t);
    for (const search of ['Melun', 'mélun', ' MELUN ', '77288']) {
      const { communes } = await ok(w.agent, COMMUNES, { search, first: 5 });
      expect(communes[0]).toEqual(MELUN);
    }
    const byPostalCode = (await ok(w.agent, COMMUNES, { search: '77000', first: 10 })).communes;
    expect(byPostalCode[0]).toEqual(MELUN);
    expect(byPostalCode.every((c: { postalCodes: string[] }) => c.postalCodes.includes('77000'))).toBe(true);
    // Un début de code : les codes INSEE 77001 à 77009 d'abord, puis les codes postaux 7700x.
    const byPrefix = (await ok(w.agent, COMMUNES, { search: '7700', first: 50 })).communes.map((c: { code: string }) => c.code);
    expect(byPrefix.slice(0, 9)).toEqual(expect.arrayContaining(['77001', '77002', '77009']));
    expect(byPrefix).toContain('77288');
  });

  it('classe les noms : exact, puis début du nom, puis début d’un mot, puis contenu ; la Corse et l’outre-mer ont leurs codes', async () => {
    const w = await createWorld(t);
    const paris = (await ok(w.agent, COMMUNES, { search: 'paris', first: 5 })).communes;
    expect(paris[0]).toMatchObject({ code: '75056', name: 'Paris', departement: '75' });
    expect(paris[0].postalCodes).toContain('75011');
    expect(paris.slice(1).every((c: { name: string }) => /paris/i.test(c.name))).toBe(true);

    const denis = (await ok(w.agent, COMMUNES, { search: 'denis', first: 20 })).communes.map((c: { name: string }) => c.name);
    // « denis » ne commence aucun nom : d'abord les noms dont un mot commence par « denis ».
    expect(denis.slice(0, 2)).toEqual(['Saint-Denis', 'Saint-Denis']);
    expect(denis).toContain('Vert-Saint-Denis');

    const saintDenis = (await ok(w.agent, COMMUNES, { search: 'saint denis', first: 3 })).communes;
    expect(saintDenis.map((c: { code: string }) => c.code).slice(0, 2)).toEqual(['97411', '93066']);
    expect((await ok(w.agent, COMMUNES, { search: '2a004', first: 3 })).communes[0]).toMatchObject({ code: '2A004', name: 'Ajaccio', departement: '2A' });
    expect((await ok(w.agent, COMMUNES, { search: 'Ajaccio', first: 3 })).communes[0].code).toBe('2A004');
    expect((await ok(w.agent, COMMUNES, { search: 'zzzz', first: 3 })).communes).toEqual([]);
    expect((await ok(w.agent, COMMUNES, { search: '   ', first: 3 })).communes).toEqual([]);
  });

  it('seules les communes actuelles : ni communes déléguées ni arrondissements municipaux', async () => {
    const w = await createWorld(t);
    // 75101 est le 1er arrondissement de Paris, 13201 celui de Marseille.
    expect((await ok(w.agent, COMMUNE, { code: '75101' })).commune).toBeNull();
    expect((await ok(w.agent, COMMUNES, { search: '13201', first: 5 })).communes).toEqual([]);
  });

  it('first hors de 1..50 ou recherche trop longue : BAD_USER_INPUT sur le champ', async () => {
    const w = await createWorld(t);
    for (const first of [0, 51, -1]) {
      const response = await w.agent.client.gql(COMMUNES, { search: 'Melun', first });
      expect(response.errors![0]).toMatchObject({
        extensions: { code: 'BAD_USER_INPUT', fields: [{ field: 'first', message: 'Nombre de résultats : entre 1 et 50.' }] },
      });
    }
    const long = await w.agent.client.gql(COMMUNES, { search: 'x'.repeat(101), first: 5 });
    expect(long.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: [{ field: 'search' }] });
    expect((await ok(w.agent, COMMUNES, { search: 'Saint', first: 50 })).communes).toHaveLength(50);
  });

  it('commune(code) rend la commune, ou null pour un code inconnu', async () => {
    const w = await createWorld(t);
    expect((await ok(w.clerk, COMMUNE, { code: '77288' })).commune).toEqual(MELUN);
    expect((await ok(w.clerk, COMMUNE, { code: '2a004' })).commune).toMatchObject({ name: 'Ajaccio' });
    expect((await ok(w.clerk, COMMUNE, { code: '99999' })).commune).toBeNull();
    expect((await ok(w.clerk, COMMUNE, { code: 'n’importe quoi' })).commune).toBeNull();
  });
});

describe('natinfs', () => {
  it('la liste compte au moins 60 codes distincts, chacun avec son libellé', () => {
    expect(NATINF_OFFENCES.length).toBeGreaterThanOrEqual(60);
    expect(new Set(NATINF_OFFENCES.map((offence) => offence.code)).size).toBe(NATINF_OFFENCES.length);
    for (const offence of NATINF_OFFENCES) {
      expect(offence.code).toMatch(/^\d{1,6}$/);
      expect(offence.label.length).toBeGreaterThan(10);
    }
  });

  it('cherche par début de code et par mots du libellé, sans tenir compte des accents ni des pluriels', async () => {
    const w = await createWorld(t);
    expect((await ok(w.agent, NATINFS, { search: '1508', first: 5 })).natinfs).toEqual([
      { code: '1508', label: 'Exécution d’un travail dissimulé' },
    ]);
    const byWords = (await ok(w.agent, NATINFS, { search: 'travail dissimule', first: 5 })).natinfs.map((n: { code: string }) => n.code);
    expect(byWords).toEqual(['1508', '1509']);
    const protectedSpecies = (await ok(w.agent, NATINFS, { search: 'ESPÈCES protégées destruction', first: 10 })).natinfs;
    expect(protectedSpecies.map((n: { code: string }) => n.code)).toContain('10411');
    expect(protectedSpecies.every((n: { label: string }) => /destruction/i.test(n.label))).toBe(true);
    const byPrefix = (await ok(w.agent, NATINFS, { search: '104', first: 50 })).natinfs;
    expect(byPrefix.length).toBeGreaterThan(5);
    expect(byPrefix.every((n: { code: string }) => n.code.startsWith('104'))).toBe(true);
    expect((await ok(w.agent, NATINFS, { search: 'dechets', first: 3 })).natinfs).toHaveLength(3);
    expect((await ok(w.agent, NATINFS, { search: 'zzzz', first: 3 })).natinfs).toEqual([]);
    expect((await ok(w.agent, NATINFS, { search: '', first: 4 })).natinfs).toHaveLength(4);
    expect(errorCode(await w.agent.client.gql(NATINFS, { search: 'travail', first: 0 }))).toBe('BAD_USER_INPUT');
  });
});

describe('suggestedParquets', () => {
  async function parquets() {
    const create = (code: string, name: string, ressort: string[]) =>
      t.prisma.organization.create({ data: { kind: 'PARQUET', code, name, departement: ressort[0] ?? '77', ressort } });
    await create('MELUN', 'Parquet du tribunal judiciaire de Melun', ['77']);
    await create('MEAUX', 'Parquet du tribunal judiciaire de Meaux', ['77']);
    await create('BOULOGNE', 'Parquet du tribunal judiciaire de Boulogne-sur-Mer', ['62']);
    await create('AJACCIO', 'Parquet du tribunal judiciaire d’Ajaccio', ['2A']);
    // Un parquet au ressort défini par communes : Calais seulement.
    await create('CALAIS', 'Parquet du tribunal judiciaire de Calais (ressort communal, pour le test)', ['62193']);
  }

  it('une commune de Seine-et-Marne suggère les parquets dont le ressort couvre le 77, par nom', async () => {
    const w = await createWorld(t);
    await parquets();
    const { suggestedParquets } = await ok(w.agent, SUGGESTED, { codes: ['77288'] });
    expect(suggestedParquets.map((p: { code: string }) => p.code)).toEqual(['MEAUX', 'MELUN']);
  });

  it('plusieurs lieux : l’union des ressorts, sans doublon ; un ressort par commune compte aussi ; la Corse par son département', async () => {
    const w = await createWorld(t);
    await parquets();
    const codes = (data: { suggestedParquets: { code: string }[] }) => data.suggestedParquets.map((p) => p.code);
    expect(codes(await ok(w.agent, SUGGESTED, { codes: ['77288', '62160', '77288'] }))).toEqual(['BOULOGNE', 'MEAUX', 'MELUN']);
    expect(codes(await ok(w.agent, SUGGESTED, { codes: ['62193'] }))).toEqual(['BOULOGNE', 'CALAIS']);
    expect(codes(await ok(w.agent, SUGGESTED, { codes: ['2A004'] }))).toEqual(['AJACCIO']);
    expect(codes(await ok(w.agent, SUGGESTED, { codes: ['13055'] }))).toEqual([]);
    expect(codes(await ok(w.agent, SUGGESTED, { codes: [] }))).toEqual([]);
  });

  it('un code INSEE mal formé : BAD_USER_INPUT sur communeCodes.N', async () => {
    const w = await createWorld(t);
    const response = await w.agent.client.gql(SUGGESTED, { codes: ['77288', 'Melun'] });
    expect(response.errors![0]).toMatchObject({
      extensions: { code: 'BAD_USER_INPUT', fields: [{ field: 'communeCodes.1', message: expect.stringContaining('Code INSEE') }] },
    });
  });
});
