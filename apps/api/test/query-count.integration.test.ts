import { describe, expect, it } from 'vitest';
import {
  createDraft,
  createOrganization,
  createWorld,
  resetDatabase,
  setupIntegration,
  signalementInput,
  transmitDraft,
  uuidOf,
  type Actor,
  type GraphQLResponse,
} from './helpers.js';

const t = setupIntegration();

/** Ce qu'affiche une ligne de liste : le signalement, ses deux organisations, son auteur, son historique et sa décision. */
const ROW = `id reference status urgent
  administration { code name } parquet { code } createdBy { displayName }
  history { action actor { displayName } organization { code } }
  decision { kind dismissalReason { code } }`;

const LIST = {
  signalements: `query { signalements(first: 50) { totalCount pageInfo { hasNextPage endCursor } edges { node { ${ROW} } } } }`,
  urgentQueue: `query { urgentQueue { ${ROW} } }`,
  parquets: `query { parquets { id code name departement } }`,
};

/**
 * n signalements urgents transmis au même parquet, dont la moitié enregistrés puis classés sans
 * suite (décision, motif, historique de quatre étapes), l'autre moitié encore dans la file
 * d'urgence ; et n parquets en tout.
 */
async function seed(n: number) {
  await resetDatabase(t.prisma);
  const w = await createWorld(t);
  for (let i = 2; i < n; i += 1) await createOrganization(t.prisma, 'PARQUET');
  const ids = await Promise.all(
    Array.from({ length: n }, (_, i) =>
      createDraft(i % 2 === 0 ? w.agent : w.manager, w.parquet.code, { urgent: true, urgencyReason: 'DANGER_TO_PERSONS', title: `Signalement ${i}` }),
    ),
  );
  for (const id of ids) await transmitDraft(w.agent, id);
  const decided = ids.slice(0, Math.floor(n / 2));
  await Promise.all(
    decided.map(async (id) => {
      await gqlOk(w.clerk, `mutation($id: ID!) { registerSignalement(id: $id) { id } }`, { id });
      await gqlOk(w.prosecutor, `mutation($id: ID!, $input: DecisionInput!) { decideSignalement(id: $id, input: $input) { id } }`, {
        id,
        input: { kind: 'DISMISSAL', dismissalReasonCode: '21', reasons: 'Infraction insuffisamment caractérisée.' },
      });
    }),
  );
  return { w, total: n, inQueue: n - decided.length, parquets: n };
}

async function gqlOk(actor: Actor, query: string, variables: Record<string, unknown> = {}) {
  const response = await actor.client.gql(query, variables);
  expect(response.errors).toBeUndefined();
  return response as Required<GraphQLResponse>;
}

/**
 * Les requêtes SQL d'un appel. Le même appel est fait une première fois avant la mesure : la
 * session vient d'être utilisée, si bien que la mesure compte toujours la lecture de la session
 * et jamais sa mise à jour « dernière utilisation » (au plus une fois toutes les cinq minutes).
 */
async function measure(actor: Actor, query: string) {
  await gqlOk(actor, query);
  t.resetQueryLog();
  const response = await gqlOk(actor, query);
  return { count: t.queries.length, sql: [...t.queries], data: response.data as Record<string, any> };
}

async function measureLists(n: number) {
  const { w, total, inQueue, parquets } = await seed(n);
  const agentList = await measure(w.agent, LIST.signalements);
  const clerkList = await measure(w.clerk, LIST.signalements);
  const queue = await measure(w.clerk, LIST.urgentQueue);
  const parquetList = await measure(w.agent, LIST.parquets);
  // Les listes mesurées sont bien pleines : n lignes, pas une réponse vide ou en erreur.
  expect(agentList.data.signalements.edges).toHaveLength(total);
  expect(clerkList.data.signalements.edges).toHaveLength(total);
  expect(queue.data.urgentQueue).toHaveLength(inQueue);
  expect(parquetList.data.parquets).toHaveLength(parquets);
  const decidedRow = agentList.data.signalements.edges.find((edge: any) => edge.node.decision)?.node;
  expect(decidedRow).toMatchObject({ decision: { kind: 'DISMISSAL', dismissalReason: { code: '21' } }, history: { length: 4 } });
  return {
    sql: { agentList: agentList.sql, clerkList: clerkList.sql, queue: queue.sql, parquetList: parquetList.sql },
    counts: { agentList: agentList.count, clerkList: clerkList.count, urgentQueue: queue.count, parquets: parquetList.count },
  };
}

/** Les tables lues par chaque requête, pour qu'un échec dise ce qui a changé. */
function tables(sql: Record<string, string[]>) {
  return Object.entries(sql)
    .map(([list, statements]) => `${list}: ${statements.map((statement) => /FROM "public"\."(\w+)"/.exec(statement)?.[1] ?? statement.slice(0, 40)).join(', ')}`)
    .join('\n');
}

describe('nombre de requêtes SQL des listes', () => {
  it('le même nombre de requêtes pour 2 et pour 30 signalements (pas de N+1), épinglé', async () => {
    const small = await measureLists(2);
    const large = await measureLists(30);
    expect(large.counts, tables(large.sql)).toEqual(small.counts);
    // Dont 1 pour retrouver la session (session, utilisateur et organisation en une jointure), à chaque requête.
    // signalements : la page avec toutes ses relations (administration, parquet, auteur, historique,
    // acteurs, leurs organisations, décision, motif) en une requête (relationJoins de Prisma), et
    // c'est tout : la page (50 au plus) contient toute la liste, son total est sa longueur (le
    // compte en base est épinglé par le test suivant). urgentQueue : la page seule.
    expect(large.counts, tables(large.sql)).toEqual({ agentList: 2, clerkList: 2, urgentQueue: 2, parquets: 2 });
  }, 60_000);

  it('le total d’une liste : compté en base quand la page ne contient pas tout, pris de la page sinon', async () => {
    const { w, total } = await seed(30);
    const page = (first: number, after?: string) =>
      `query { signalements(first: ${first}${after ? `, after: "${after}"` : ''}) { totalCount edges { node { id } } pageInfo { hasNextPage endCursor } } }`;
    // Première page pleine : la session, la page, le compte.
    const first = await measure(w.agent, page(10));
    expect(first.data.signalements).toMatchObject({ totalCount: total, edges: { length: 10 }, pageInfo: { hasNextPage: true } });
    expect(first.count, tables({ first: first.sql })).toBe(3);
    // Dernière page, pas pleine, après un curseur : les lignes d'avant le curseur n'y sont pas, le compte reste.
    const second = await measure(w.agent, page(10, first.data.signalements.pageInfo.endCursor));
    const third = await measure(w.agent, page(15, second.data.signalements.pageInfo.endCursor));
    expect(third.data.signalements).toMatchObject({ totalCount: total, edges: { length: 10 }, pageInfo: { hasNextPage: false } });
    expect(third.count, tables({ third: third.sql })).toBe(3);
    // Première page qui contient tout : le total est sa longueur, sans compte.
    const whole = await measure(w.agent, page(total));
    expect(whole.data.signalements).toMatchObject({ totalCount: total, edges: { length: total }, pageInfo: { hasNextPage: false } });
    expect(whole.count, tables({ whole: whole.sql })).toBe(2);
  }, 60_000);
});

/**
 * Les requêtes d'une opération d'écriture, versement au journal compris (l'opération l'attend),
 * sans les relectures du journal par le diffuseur temps réel, qui suivent chaque versement à leur
 * propre rythme et peuvent tomber dans la mesure suivante.
 */
function ownStatements(queries: string[]) {
  return queries.filter((sql) => !/FROM "public"\."audit_event"/.test(sql));
}

describe('nombre de requêtes SQL du chemin d’écriture', () => {
  it('créer puis transmettre un signalement : requêtes épinglées, réponse complète et au journal', async () => {
    await resetDatabase(t.prisma);
    const w = await createWorld(t);
    // Une première création, hors mesure : la session vient d'être utilisée (voir measure()).
    await createDraft(w.agent, w.parquet.code);
    t.resetQueryLog();
    const created = await w.agent.client.gql<{ createSignalement: { id: string; status: string; title: string } }>(
      `mutation($input: SignalementInput!) { createSignalement(input: $input) { id status title } }`,
      { input: signalementInput(w.parquet.code, { title: 'Déversement dans la Marne' }) },
    );
    expect(created.errors).toBeUndefined();
    const creation = ownStatements(t.queries);
    t.resetQueryLog();
    const transmitted = await gqlOk(
      w.agent,
      `mutation($id: ID!) { transmitSignalement(id: $id) { id reference status contentHash administration { code } parquet { code } } }`,
      { id: created.data!.createSignalement.id },
    );
    const transmission = ownStatements(t.queries);
    // Ce que voit l'agent : le brouillon créé, puis la transmission avec sa référence et ses organisations.
    expect(created.data!.createSignalement).toMatchObject({ status: 'DRAFT', title: 'Déversement dans la Marne' });
    expect(transmitted.data!.transmitSignalement).toMatchObject({
      id: created.data!.createSignalement.id,
      status: 'TRANSMITTED',
      reference: expect.stringMatching(/^IP-\d{4}-/),
      contentHash: expect.stringMatching(/^[0-9a-f]{64}$/),
      administration: { code: w.administration.code },
      parquet: { code: w.parquet.code },
    });
    // Et au journal chaîné, avant la réponse.
    const journal = await t.prisma.auditEvent.findMany({ where: { signalementId: uuidOf(created.data!.createSignalement.id) }, orderBy: { id: 'asc' } });
    expect(journal.map((event) => event.action)).toEqual(['SIGNALEMENT_CREATED', 'SIGNALEMENT_TRANSMITTED']);
    const statements = { creation: creation.length, transmission: transmission.length };
    const listing = `création :\n${creation.map((s) => s.slice(0, 90)).join('\n')}\ntransmission :\n${transmission.map((s) => s.slice(0, 90)).join('\n')}`;
    // Création (9) : la session ; le parquet par son code ; dans la transaction, le signalement
    // (rendu par l'insertion même, sans relecture), l'historique et la file du journal (une
    // instruction), COMMIT ; puis le versement au journal (verrou, lot avec tête et identifiants,
    // déplacement, COMMIT).
    // Transmission (11) : la session ; le signalement et les codes de ses organisations en une
    // requête ; dans la transaction, le numéro, la mise à jour gardée, l'historique et la file du
    // journal (une instruction), puis la relecture de la sélection, qui demande des relations (une
    // sélection sans relation est rendue par la mise à jour même), COMMIT ; puis le versement.
    expect(statements, listing).toEqual({ creation: 9, transmission: 11 });
  }, 60_000);

  it('la réponse d’une création ou d’une transmission qui demande l’historique le montre avec l’étape qu’elle vient d’écrire', async () => {
    await resetDatabase(t.prisma);
    const w = await createWorld(t);
    const created = await gqlOk(
      w.agent,
      `mutation($input: SignalementInput!) { createSignalement(input: $input) { id status history { action toStatus } } }`,
      { input: signalementInput(w.parquet.code) },
    );
    expect(created.data!.createSignalement).toMatchObject({ status: 'DRAFT', history: [{ action: 'create', toStatus: 'DRAFT' }] });
    const transmitted = await gqlOk(w.agent, `mutation($id: ID!) { transmitSignalement(id: $id) { status history { action toStatus } } }`, {
      id: created.data!.createSignalement.id,
    });
    expect(transmitted.data!.transmitSignalement).toMatchObject({
      status: 'TRANSMITTED',
      history: [
        { action: 'create', toStatus: 'DRAFT' },
        { action: 'transmit', toStatus: 'TRANSMITTED' },
      ],
    });
  });

  it('consulter un signalement par sa référence : la consultation consignée en une insertion, sans transaction autour', async () => {
    await resetDatabase(t.prisma);
    const w = await createWorld(t);
    const reference = await transmitDraft(w.agent, await createDraft(w.agent, w.parquet.code));
    const query = `query($reference: String!) { signalementByReference(reference: $reference) { id reference status } }`;
    await gqlOk(w.clerk, query, { reference });
    t.resetQueryLog();
    const viewed = await gqlOk(w.clerk, query, { reference });
    const statements = ownStatements(t.queries);
    expect(viewed.data!.signalementByReference).toMatchObject({ reference, status: 'TRANSMITTED' });
    const journal = await t.prisma.auditEvent.findMany({ where: { action: 'SIGNALEMENT_VIEWED', actorId: w.clerk.user.id } });
    expect(journal).toHaveLength(2);
    // La session, le signalement, la consultation dans la file du journal ; puis le versement
    // (verrou, lot, déplacement, COMMIT). Avant : la consultation dans sa propre transaction (COMMIT de plus).
    expect(statements.length, statements.map((sql) => sql.slice(0, 90)).join('\n')).toBe(7);
  }, 60_000);
});
