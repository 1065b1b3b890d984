import { describe, expect, it } from 'vitest';
import type { OrganizationKind } from '@infoparquet/db';
import { appendAuditEvent } from '../src/domains/audit/chain.js';
import { parseRetentionPolicy } from '../src/domains/retention/policy.js';
import { purgeExpiredSignalements } from '../src/domains/retention/purge.js';
import { organizationAudience } from '../src/domains/webhooks/dispatcher.js';
import { visibleSignalementEvent, type LoggedEvent } from '../src/realtime/events.js';
import { asUser, createDraft, createWorld, errorCode, gqlOk, setupIntegration, transmitDraft, uuidOf, type Actor, type TestClient } from './helpers.js';
import { sleep } from './realtime-helpers.js';

const t = setupIntegration();

const EVENTS = `query($after: String, $first: Int!) {
  events(after: $after, first: $first) {
    edges { cursor node { id cursor kind at signalementId reference tombstone fromStatus toStatus } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}`;

interface FeedNode {
  id: string;
  cursor: string;
  kind: string;
  signalementId: string;
  reference: string | null;
  tombstone: boolean;
  fromStatus: string | null;
  toStatus: string | null;
  signalement?: { title: string; status: string } | null;
}

async function page(client: TestClient, first: number, after: string | null = null, query = EVENTS) {
  const response = await client.gql(query, { first, after });
  expect(response.errors).toBeUndefined();
  return response.data!.events as {
    edges: { cursor: string; node: FeedNode }[];
    pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
  };
}

/** Tout le flux d'un demandeur, page par page. */
async function readAll(client: TestClient, first = 100): Promise<FeedNode[]> {
  const nodes: FeedNode[] = [];
  let after: string | null = null;
  for (;;) {
    const current = await page(client, first, after);
    nodes.push(...current.edges.map((edge) => edge.node));
    after = current.pageInfo.endCursor ?? after;
    if (!current.pageInfo.hasNextPage) return nodes;
  }
}

/** Ce que la règle des écrans en direct donne à voir à une organisation, sur tout le journal. */
async function expectedIds(organizationId: string, kind: OrganizationKind): Promise<string[]> {
  const audience = organizationAudience(organizationId, kind);
  const rows = await t.prisma.auditEvent.findMany({ orderBy: { id: 'asc' } });
  return rows.filter((row) => visibleSignalementEvent(row as LoggedEvent, audience)).map((row) => row.id.toString());
}

describe('flux d’événements (events)', () => {
  it('sans session, par l’opérateur de la plateforme, avec une taille de page ou un curseur invalides : refusé', async () => {
    const w = await createWorld(t);
    expect(errorCode(await t.anonymous.gql(EVENTS, { first: 10 }))).toBe('UNAUTHENTICATED');
    expect(errorCode(await w.platformAdmin.client.gql(EVENTS, { first: 10 }))).toBe('FORBIDDEN');
    for (const first of [0, -1, 101]) {
      const response = await w.agent.client.gql(EVENTS, { first });
      expect(errorCode(response), String(first)).toBe('BAD_USER_INPUT');
      expect(response.errors![0]!.message).toContain('Taille de page : entre 1 et 100.');
    }
    for (const after of ['abc', '-1', '99999999999999999999', 'U2lnbmFsZW1lbnQ6MQ==']) {
      const response = await w.agent.client.gql(EVENTS, { first: 10, after });
      expect(errorCode(response), after).toBe('BAD_USER_INPUT');
      expect(response.errors![0]!.message).toContain('Curseur d’événement invalide');
    }
    expect(errorCode(await w.agent.client.gql(`query { events { edges { cursor } } }`))).toBe('GRAPHQL_VALIDATION_FAILED');
  });

  it('chaque organisation voit exactement ses événements, dans l’ordre, notes internes au seul parquet, transfert sortant compris', async () => {
    const w = await createWorld(t);
    const kept = await createDraft(w.agent, w.parquet.code, { title: 'Signalement suivi' });
    const reference = await transmitDraft(w.agent, kept);
    const deleted = await createDraft(w.agent, w.parquet.code, { title: 'Brouillon abandonné' });
    await gqlOk(w.agent, `mutation($id: ID!) { deleteSignalement(id: $id) { id } }`, { id: deleted });
    const foreign = await createDraft(w.otherAgent, w.otherParquet.code, { title: 'Signalement d’une autre administration' });
    await transmitDraft(w.otherAgent, foreign);
    // Une étape interne au parquet (comme une note interne) : l'administration ne la voit pas.
    const signalement = await t.prisma.signalement.findUniqueOrThrow({ where: { id: uuidOf(kept) } });
    await t.prisma.$transaction((tx) =>
      appendAuditEvent(tx, {
        actorId: w.clerk.user.id,
        organizationId: w.parquet.id,
        action: 'SIGNALEMENT_ASSIGNED',
        targetType: 'Signalement',
        targetId: signalement.id,
        signalementId: signalement.id,
        administrationId: signalement.administrationId,
        parquetId: signalement.parquetId,
        internal: true,
        after: { status: 'TRANSMITTED' },
      }),
    );
    await gqlOk(w.clerk, `mutation($id: ID!, $p: String!) { transferSignalement(id: $id, parquetCode: $p, reason: "Compétence territoriale") { status } }`, {
      id: kept,
      p: w.otherParquet.code,
    });
    await gqlOk(w.otherClerk, `mutation($id: ID!) { registerSignalement(id: $id) { status } }`, { id: kept });

    const administration = await readAll(w.manager.client);
    expect(administration.map((e) => [e.kind, e.signalementId, e.reference])).toEqual([
      ['CREATED', kept, reference],
      ['TRANSMITTED', kept, reference],
      ['CREATED', deleted, null],
      ['DELETED', deleted, null],
      ['TRANSFERRED', kept, reference],
      ['REGISTERED', kept, reference],
    ]);
    expect(administration[1]).toMatchObject({ fromStatus: 'DRAFT', toStatus: 'TRANSMITTED', tombstone: false });
    expect(administration[3]).toMatchObject({ tombstone: true, reference: null });
    const parquet = await readAll(w.clerk.client);
    expect(parquet.map((e) => e.kind)).toEqual(['TRANSMITTED', 'ASSIGNED', 'TRANSFERRED']);
    const otherParquet = await readAll(w.otherClerk.client);
    expect(otherParquet.map((e) => [e.kind, e.signalementId])).toEqual([
      ['TRANSMITTED', foreign],
      ['TRANSFERRED', kept],
      ['REGISTERED', kept],
    ]);
    // La même règle que les écrans en direct, appliquée à tout le journal.
    expect(administration.map((e) => e.id)).toEqual(await expectedIds(w.administration.id, 'ADMINISTRATION'));
    expect(parquet.map((e) => e.id)).toEqual(await expectedIds(w.parquet.id, 'PARQUET'));
    expect(otherParquet.map((e) => e.id)).toEqual(await expectedIds(w.otherParquet.id, 'PARQUET'));
    expect((await readAll(w.otherAgent.client)).map((e) => e.id)).toEqual(await expectedIds(w.otherAdministration.id, 'ADMINISTRATION'));
    // Page par page (de 2), le même flux, et chaque curseur est l'identifiant de l'événement.
    const byTwo = await readAll(w.manager.client, 2);
    expect(byTwo).toEqual(administration);
    expect(administration.every((e) => e.cursor === e.id && /^\d+$/.test(e.id))).toBe(true);
  });

  it('une purge apparaît comme une pierre tombale : la référence reste, le contenu et le signalement disparaissent', async () => {
    const w = await createWorld(t);
    const id = await createDraft(w.agent, w.parquet.code, { title: 'Titre qui sera purgé' });
    const reference = await transmitDraft(w.agent, id);
    await gqlOk(w.manager, `mutation($id: ID!) { withdrawSignalement(id: $id, reason: "Erreur de destinataire") { status } }`, { id });
    const report = await purgeExpiredSignalements(t.prisma, {
      policy: parseRetentionPolicy('WITHDRAWN=1y'),
      storage: { remove: async () => undefined },
      now: new Date(Date.now() + 2 * 365 * 86_400_000),
    });
    expect(report.purged).toHaveLength(1);
    const query = EVENTS.replace('toStatus }', 'toStatus signalement { title } }');
    for (const actor of [w.agent, w.clerk]) {
      const events = (await page(actor.client, 100, null, query)).edges.map((edge) => edge.node);
      const purged = events.at(-1)!;
      expect(purged).toMatchObject({ kind: 'PURGED', reference, tombstone: true, signalementId: id, fromStatus: 'WITHDRAWN', toStatus: null, signalement: null });
      // Les événements antérieurs gardent la référence (de la pierre tombale) ; leur contenu est effacé.
      expect(events.filter((e) => e.kind !== 'CREATED').every((e) => e.reference === reference && e.signalement === null)).toBe(true);
      expect(JSON.stringify(events)).not.toContain('Titre qui sera purgé');
    }
  });

  it('la position avance même sans événement : une interrogation suivante ne rend que le nouveau', async () => {
    const w = await createWorld(t);
    const id = await createDraft(w.agent, w.parquet.code);
    await transmitDraft(w.agent, id);
    const first = await page(w.clerk.client, 10);
    expect(first.edges.map((edge) => edge.node.kind)).toEqual(['TRANSMITTED']);
    // Beaucoup d'écritures que le parquet ne voit pas (brouillons de l'administration).
    for (let i = 0; i < 3; i += 1) await createDraft(w.agent, w.parquet.code);
    const quiet = await page(w.clerk.client, 10, first.pageInfo.endCursor);
    expect(quiet.edges).toEqual([]);
    expect(BigInt(quiet.pageInfo.endCursor!)).toBeGreaterThan(BigInt(first.pageInfo.endCursor!));
    expect(quiet.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });
    await gqlOk(w.clerk, `mutation($id: ID!) { registerSignalement(id: $id) { status } }`, { id });
    const next = await page(w.clerk.client, 10, quiet.pageInfo.endCursor);
    expect(next.edges.map((edge) => edge.node.kind)).toEqual(['REGISTERED']);
    expect(next.pageInfo.endCursor).toBe(next.edges[0]!.cursor);
  });

  it('une page = une requête SQL (deux avec le signalement), quelle que soit sa taille', async () => {
    const w = await createWorld(t);
    const ids = await Promise.all(Array.from({ length: 12 }, (_, i) => createDraft(w.agent, w.parquet.code, { title: `Signalement ${i}` })));
    for (const id of ids) await transmitDraft(w.agent, id);
    // Le diffuseur temps réel relit le journal après chaque mutation : on le laisse finir avant de compter.
    await sleep(300);
    const WITH_SIGNALEMENT = EVENTS.replace('toStatus }', 'toStatus signalement { title status } }');
    const measure = async (actor: Actor, first: number, query = EVENTS) => {
      await actor.client.gql(query, { first });
      t.resetQueryLog();
      const response = await actor.client.gql(query, { first });
      expect(response.errors).toBeUndefined();
      return { count: t.queries.length, sql: [...t.queries], edges: response.data!.events.edges as { node: FeedNode }[] };
    };
    for (const actor of [w.agent, w.clerk]) {
      // Ce que coûte la seule lecture de la session (sans rien lire d'autre).
      await actor.client.gql(`query { __typename }`);
      t.resetQueryLog();
      await actor.client.gql(`query { __typename }`);
      const session = t.queries.length;
      const small = await measure(actor, 5);
      const large = await measure(actor, 100);
      expect(small.edges).toHaveLength(5);
      expect(large.edges).toHaveLength(actor === w.agent ? 24 : 12);
      // La session, puis une requête pour la page.
      expect(large.count - session, large.sql.join('\n')).toBe(1);
      expect(large.sql.filter((sql) => sql.includes('audit_event'))).toHaveLength(1);
      expect(small.count).toBe(large.count);
      const withSignalement = await measure(actor, 100, WITH_SIGNALEMENT);
      expect(withSignalement.count - session, withSignalement.sql.join('\n')).toBe(2);
      expect(withSignalement.edges.every((edge) => edge.node.signalement?.status === 'TRANSMITTED')).toBe(true);
    }
  });

  it('complet sous écritures concurrentes : 10 clients × 20 écritures pendant qu’on interroge le flux toutes les quelques ms', async () => {
    const w = await createWorld(t);
    const writers = [w.agent, w.manager, ...(await Promise.all(Array.from({ length: 8 }, () => asUser(t, w.administration.id, 'AGENT'))))];
    const pollers = [
      { client: w.reader.client, organization: w.administration, seen: [] as string[], polls: 0 },
      { client: w.clerk.client, organization: w.parquet, seen: [] as string[], polls: 0 },
    ];
    let writing = true;
    const poll = async (poller: (typeof pollers)[number]) => {
      let after: string | null = null;
      for (;;) {
        const stillWriting = writing;
        const current = await page(poller.client, 7, after);
        poller.polls += 1;
        poller.seen.push(...current.edges.map((edge) => edge.node.id));
        after = current.pageInfo.endCursor ?? after;
        // Fini quand les écritures sont finies et qu'une page lue après elles est la dernière.
        if (!stillWriting && !current.pageInfo.hasNextPage) return;
        if (!current.pageInfo.hasNextPage) await sleep(5);
      }
    };
    const polling = Promise.all(pollers.map(poll));
    try {
      await Promise.all(
        writers.map(async (writer, n) => {
          for (let i = 0; i < 10; i += 1) {
            const id = await createDraft(writer, w.parquet.code, { title: `Écriture ${n}-${i}` });
            await transmitDraft(writer, id);
          }
        }),
      );
    } finally {
      writing = false;
      await polling;
    }

    for (const poller of pollers) {
      const expected = await expectedIds(poller.organization.id, poller.organization.kind);
      expect(poller.seen).toEqual(expected);
      expect(new Set(poller.seen).size).toBe(poller.seen.length);
      expect(poller.seen.every((id, i) => i === 0 || BigInt(id) > BigInt(poller.seen[i - 1]!))).toBe(true);
      expect(poller.polls).toBeGreaterThan(10);
    }
    expect(pollers[0]!.seen).toHaveLength(200);
    expect(pollers[1]!.seen).toHaveLength(100);
    // 200 écritures par GraphQL prennent une dizaine de secondes sur deux cœurs occupés : marge pour une machine chargée.
  }, 120_000);
});
