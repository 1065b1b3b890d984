import { createHash } from 'node:crypto';
import { formatReference } from '@infoparquet/validation';
import { describe, expect, it } from 'vitest';
import { frozenContent } from '../src/domains/signalements/content-hash.js';
import { referenceYear } from '../src/domains/signalements/reference.js';
import { canonicalJson } from '../src/lib/canonical-json.js';
import { createDraft, createWorld, errorCode, setupIntegration, transmitDraft, uuidOf, type Actor, type GraphQLResponse } from './helpers.js';

const t = setupIntegration();

const TRANSMIT = `mutation($id: ID!) { transmitSignalement(id: $id) { id reference status contentHash transmittedAt parquet { code } } }`;

interface Transmitted {
  transmitSignalement: { id: string; reference: string; status: string; contentHash: string; transmittedAt: string; parquet: { code: string } };
}

function transmit(actor: Actor, id: string) {
  return actor.client.gql<Transmitted>(TRANSMIT, { id });
}

/** L'identifiant interne (uuid) d'un identifiant global Relay. */
/** Les numéros attendus 000001…00000n d'un parquet pour une année. */
function expectedReferences(year: number, parquetCode: string, n: number): string[] {
  return Array.from({ length: n }, (_, i) => formatReference(year, parquetCode, i + 1));
}

/** Crée les brouillons par petits paquets : la préparation ne doit pas être ce qui est testé. */
async function createDrafts(jobs: { author: Actor; parquetCode: string }[], batch = 20): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < jobs.length; i += batch) {
    ids.push(...(await Promise.all(jobs.slice(i, i + batch).map((job, j) => createDraft(job.author, job.parquetCode, { externalReference: `LOT-${i + j}` })))));
  }
  return ids;
}

async function counterValue(parquetId: string, year: number): Promise<number | undefined> {
  const counter = await t.prisma.referenceCounter.findUnique({ where: { parquetId_year: { parquetId, year } } });
  return counter?.lastValue;
}

describe('numérotation des références', () => {
  it('220 transmissions simultanées par quatre agents de deux administrations : suite sans trou ni doublon, par parquet', async () => {
    const w = await createWorld(t);
    const MAIN = 200;
    const OTHER = 20;
    // Brouillons des deux administrations ; l'autre parquet reçoit un envoi sur onze, mêlé aux autres.
    const jobs = Array.from({ length: MAIN + OTHER }, (_, i) => ({
      author: i % 2 === 0 ? w.agent : w.otherAgent,
      parquetCode: i % 11 === 10 ? w.otherParquet.code : w.parquet.code,
    }));
    expect(jobs.filter((job) => job.parquetCode === w.parquet.code)).toHaveLength(MAIN);
    const ids = await createDrafts(jobs);

    // Chaque brouillon est transmis par l'agent qui l'a créé ou par le responsable de la même administration.
    const transmitters = [w.agent, w.otherAgent, w.manager, w.otherManager];
    const started = Date.now();
    const responses = await Promise.all(ids.map((id, i) => transmit(transmitters[i % 4]!, id)));
    const elapsed = Date.now() - started;

    // Toutes les transmissions aboutissent. (Vérification « souple » : si certaines échouent, le
    // test échoue, mais l'absence de trou et de doublon est encore vérifiée sur celles qui ont abouti.)
    const failures: Record<string, number> = {};
    for (const response of responses) {
      if (response.data?.transmitSignalement) continue;
      const message = response.errors?.[0]?.message ?? 'réponse vide';
      failures[message] = (failures[message] ?? 0) + 1;
    }
    expect.soft(failures, 'transmissions en échec, par message').toEqual({});
    const transmitted = responses.flatMap((response) => (response.data?.transmitSignalement ? [response.data.transmitSignalement] : []));
    expect(new Set(transmitted.map((s) => s.id)).size).toBe(transmitted.length);
    expect(transmitted.every((s) => ids.includes(s.id) && s.status === 'TRANSMITTED' && /^[0-9a-f]{64}$/.test(s.contentHash))).toBe(true);

    const year = referenceYear(new Date(transmitted[0]!.transmittedAt));
    const referencesOf = (code: string) =>
      transmitted
        .filter((s) => s.parquet.code === code)
        .map((s) => s.reference)
        .sort();
    // Sans échec, ce sont exactement 000001…000200 et 000001…000020.
    const mainReferences = referencesOf(w.parquet.code);
    const otherReferences = referencesOf(w.otherParquet.code);
    expect(mainReferences).toEqual(expectedReferences(year, w.parquet.code, mainReferences.length));
    // L'autre parquet a sa propre suite, qui part de 000001 malgré les 200 envois voisins.
    expect(otherReferences).toEqual(expectedReferences(year, w.otherParquet.code, otherReferences.length));

    // La base dit la même chose que les réponses : des références toutes distinctes, des compteurs au dernier numéro.
    const rows = await t.prisma.signalement.findMany({
      where: { id: { in: ids.map(uuidOf) }, reference: { not: null } },
      select: { reference: true, parquetId: true },
    });
    expect(rows.filter((row) => row.parquetId === w.parquet.id).map((row) => row.reference).sort()).toEqual(mainReferences);
    const [distinct] = await t.prisma.$queryRaw<{ n: bigint }[]>`SELECT count(DISTINCT reference) AS n FROM signalement WHERE reference IS NOT NULL`;
    expect(Number(distinct!.n)).toBe(transmitted.length);
    expect(await counterValue(w.parquet.id, year)).toBe(mainReferences.length);
    expect(await counterValue(w.otherParquet.id, year)).toBe(otherReferences.length);

    // La contrainte d'unicité de la base tient : une référence déjà attribuée ne peut pas être recopiée.
    const [first, second] = rows.filter((row) => row.parquetId === w.parquet.id);
    await expect(
      t.prisma.signalement.updateMany({ where: { reference: second!.reference }, data: { reference: first!.reference } }),
    ).rejects.toMatchObject({ code: 'P2002' });

    // Budget de temps sur une machine à deux cœurs.
    expect(elapsed).toBeLessThan(15_000);
  }, 60_000);

  it('une transmission refusée (pas de parquet destinataire) ne consomme aucun numéro', async () => {
    const w = await createWorld(t);
    const a = await createDraft(w.agent, w.parquet.code);
    const withoutParquet = await createDraft(w.agent, null);
    const c = await createDraft(w.agent, w.parquet.code);

    const first = await transmitDraft(w.agent, a);
    const year = Number(first.split('-')[1]);
    expect(first).toBe(formatReference(year, w.parquet.code, 1));

    const refused = await transmit(w.agent, withoutParquet);
    expect(errorCode(refused)).toBe('BAD_USER_INPUT');
    expect(refused.errors![0]!.extensions!.fields).toEqual([{ field: 'parquetCode', message: 'Parquet destinataire : à choisir avant la transmission.' }]);
    expect(await t.prisma.signalement.findUnique({ where: { id: uuidOf(withoutParquet) }, select: { status: true, reference: true } })).toEqual({
      status: 'DRAFT',
      reference: null,
    });
    expect(await counterValue(w.parquet.id, year)).toBe(1);

    expect(await transmitDraft(w.agent, c)).toBe(formatReference(year, w.parquet.code, 2));

    // Une fois le parquet choisi, le même brouillon prend le numéro suivant.
    const updated = await w.agent.client.gql(
      `mutation($id: ID!, $input: SignalementInput!) { updateSignalement(id: $id, input: $input) { id } }`,
      { id: withoutParquet, input: { parquetCode: w.parquet.code, title: 'Tromperie', facts: 'Des faits.', factsDate: 'mars 2026' } },
    );
    expect(updated.errors).toBeUndefined();
    expect(await transmitDraft(w.agent, withoutParquet)).toBe(formatReference(year, w.parquet.code, 3));
  });

  it('deux transmissions simultanées du même brouillon : une seule réussit et un seul numéro est pris', async () => {
    const w = await createWorld(t);
    const RACES = 5;
    const ids = await createDrafts(Array.from({ length: RACES }, () => ({ author: w.agent, parquetCode: w.parquet.code })));

    // Pour chaque brouillon, l'agent et son responsable cliquent « Transmettre » au même instant.
    const pairs = await Promise.all(ids.map((id) => Promise.all([transmit(w.agent, id), transmit(w.manager, id)])));

    const winners: string[] = [];
    for (const pair of pairs) {
      const succeeded = pair.filter((response) => response.data?.transmitSignalement);
      const failed = pair.filter((response) => !response.data?.transmitSignalement) as GraphQLResponse[];
      expect(succeeded).toHaveLength(1);
      expect(failed).toHaveLength(1);
      expect(['CONFLICT', 'INVALID_TRANSITION']).toContain(errorCode(failed[0]!));
      winners.push(succeeded[0]!.data!.transmitSignalement.reference);
    }
    const year = Number(winners[0]!.split('-')[1]);
    expect(winners.sort()).toEqual(expectedReferences(year, w.parquet.code, RACES));
    expect(await counterValue(w.parquet.id, year)).toBe(RACES);

    // Le perdant n'a laissé aucun trou : l'envoi suivant prend le numéro juste après.
    const next = await createDraft(w.agent, w.parquet.code);
    expect(await transmitDraft(w.agent, next)).toBe(formatReference(year, w.parquet.code, RACES + 1));
  });

  it('l’empreinte du contenu est le SHA-256 du JSON canonique du contenu figé, recalculable depuis la base', async () => {
    const w = await createWorld(t);
    const id = await createDraft(w.agent, w.parquet.code, {
      title: 'Mise en danger d’autrui — chantier',
      facts: 'Échafaudage non conforme constaté le 3 février ; « accès » au public.\nDeuxième ligne.',
      factsDate: 'Du 1er au 3 février 2026',
      factsFrom: '2026-02-01',
      factsTo: '2026-02-03',
      places: ['77288', '77305'],
      natinfCodes: ['7111', '25'],
      persons: [
        { kind: 'NATURAL', role: 'SUSPECT', lastName: 'Durand', firstName: 'Léa', birthDate: '1980-05-17', address: '1 rue de la Paix, Melun' },
        { kind: 'LEGAL', role: 'VICTIM', legalName: 'Société Exemple SARL', siren: '130025265' },
      ],
      urgent: true,
      urgencyReason: 'OTHER',
      urgencyDetail: 'Chantier ouvert au public ce week-end.',
    });
    const response = await transmit(w.agent, id);
    const { contentHash, reference, transmittedAt } = response.data!.transmitSignalement;
    expect(contentHash).toMatch(/^[0-9a-f]{64}$/);

    const row = await t.prisma.signalement.findUniqueOrThrow({
      where: { id: uuidOf(id) },
      include: { administration: { select: { code: true } }, parquet: { select: { code: true } } },
    });
    expect(row.contentHash).toBe(contentHash);
    expect(row.reference).toBe(reference);
    expect(row.transmittedAt!.toISOString()).toBe(transmittedAt);
    const frozen = frozenContent(row, {
      reference: row.reference!,
      transmittedAt: row.transmittedAt!,
      administrationCode: row.administration.code,
      parquetCode: row.parquet!.code,
    });
    expect(frozen).toMatchObject({ reference, administration: w.administration.code, parquet: w.parquet.code, factsFrom: '2026-02-01', urgent: true });
    expect(createHash('sha256').update(canonicalJson(frozen)).digest('hex')).toBe(contentHash);
  });
});
