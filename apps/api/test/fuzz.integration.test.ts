import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { createDraft, createWorld, setupIntegration, signalementInput, transmitDraft } from './helpers.js';
import { startInstance } from './realtime-helpers.js';

/**
 * Fuzz : des milliers de documents, variables, corps et requêtes GET aléatoires ou abîmés, envoyés
 * par HTTP à un vrai serveur configuré comme en production, au nom d'un agent de l'administration A.
 * Jamais de 5xx ni d'erreur interne masquée, toujours une réponse, le serveur répond encore après,
 * et aucune réponse ne porte le contenu d'un signalement de l'administration B (un marqueur que le
 * fuzz n'envoie jamais).
 */
const t = setupIntegration();

/** Nombre de cas par famille (5 familles, 2 500 requêtes en tout). */
const RUNS = { strings: 500, documents: 700, variables: 450, bodies: 500, gets: 350 };
/**
 * Graine du tirage : fixe par défaut, pour qu'un échec se rejoue à l'identique et que la suite ne
 * dépende pas du hasard ; `FUZZ_SEED=<entier>` en essaie une autre (chaque nouvelle graine explore
 * d'autres entrées : c'est ainsi qu'ont été trouvés les défauts corrigés depuis).
 */
const SEED = Number(process.env.FUZZ_SEED ?? 20261129);

it('aucune entrée aléatoire ou mal formée ne produit de 5xx ni d’erreur interne, n’arrête le serveur ni ne montre les données d’une autre organisation', async () => {
  const api = await startInstance({
    NODE_ENV: 'production',
    EMAIL_NOTIFICATIONS: 'false',
    // Le fuzz envoie des milliers de requêtes par minute d'une seule adresse : limites de débit coupées.
    RATE_LIMIT_PER_MINUTE_IP: '0',
    RATE_LIMIT_PER_MINUTE_USER: '0',
    RATE_LIMIT_PER_MINUTE_TOKEN: '0',
  });
  const w = await createWorld(t);

  // L'administration B : un signalement transmis au parquet commun, au contenu reconnaissable.
  const SECRET = `ZEBRE${randomUUID().replace(/-/g, '')}`;
  await t.prisma.organization.update({ where: { id: w.otherAdministration.id }, data: { name: `Administration ${SECRET}` } });
  const secretId = await createDraft(w.otherAgent, w.parquet.code, {
    title: `Dossier ${SECRET}`,
    facts: `Faits confidentiels de l’administration B : ${SECRET}.`,
    persons: [{ kind: 'NATURAL', role: 'SUSPECT', lastName: `Nom${SECRET}` }],
  });
  const secretReference = await transmitDraft(w.otherAgent, secretId);
  // L'administration A : ses propres signalements, que le fuzz peut lire et modifier.
  const ownId = await createDraft(w.agent, w.parquet.code);
  const ownReference = await transmitDraft(w.agent, ownId);
  const ownDraftId = await createDraft(w.agent, w.parquet.code);

  const ids = [secretId, ownId, ownDraftId, secretReference, ownReference, '', 'U2lnbmFsZW1lbnQ6MQ==', 'x'.repeat(300)];
  const documents = [
    `query Detail($id: ID!) { signalement(id: $id) { id reference title facts status administration { name } persons { lastName } history { action comment actor { displayName } organization { name } } messages { body } } }`,
    `query ByReference($reference: String!) { signalementByReference(reference: $reference) { id title facts } }`,
    `query List($first: Int!, $after: String, $filter: SignalementFilter) { signalements(first: $first, after: $after, filter: $filter) { totalCount edges { cursor node { id reference title facts administration { name } } } pageInfo { hasNextPage endCursor } } }`,
    `query Node($id: ID!) { node(id: $id) { id ... on Signalement { title facts } ... on Organization { name } ... on User { displayName email } } }`,
    `query Screens { me { id email displayName organization { name code } } parquets { code name } urgentQueue { id title } dismissalReasons { code label } members { displayName } }`,
    `query References($search: String!, $first: Int!) { communes(search: $search, first: $first) { code name } natinfs(search: $search, first: $first) { code label } }`,
    `mutation Create($input: SignalementInput!) { createSignalement(input: $input) { id title facts } }`,
    `mutation Update($id: ID!, $input: SignalementInput!) { updateSignalement(id: $id, input: $input) { id title facts } }`,
    `mutation Transmit($id: ID!) { transmitSignalement(id: $id) { id reference title } }`,
    `mutation Withdraw($id: ID!, $reason: String!) { withdrawSignalement(id: $id, reason: $reason) { id status title } }`,
    `mutation Answer($id: ID!, $message: String!) { answerInformationRequest(id: $id, message: $message) { id messages { body } } }`,
    `mutation Delete($id: ID!) { deleteSignalement(id: $id) { id } }`,
  ];
  // Morceaux de GraphQL que le fuzz glisse dans les documents.
  const fragments = [
    '{', '}', '(', ')', '[', ']', '...', ' on Signalement ', '@include(if: true)', '@skip(if: $x)', '__typename', '__schema { types { name } }',
    '__type(name: "Signalement") { name }', 'a: ', 'first: 101', 'first: -1', 'first: 100', '$id', '"', '"""', '#', '\\u0000', 'mutation ', 'subscription ',
    'query ', 'fragment F on Query { me { id } } ', '...F', 'signalement(id: $id) { title }', `node(id: "${secretId}") { id }`, 'facts', 'title',
  ];

  const anyString = fc.string({ unit: 'binary', maxLength: 200 });
  const variableValue = fc.oneof(fc.constantFrom<unknown>(...ids), fc.jsonValue({ maxDepth: 3 }), anyString, fc.integer());
  const variables = fc.oneof(
    fc.record(
      {
        id: variableValue,
        reference: variableValue,
        first: fc.oneof(fc.integer({ min: -5, max: 150 }), variableValue),
        after: variableValue,
        search: anyString,
        reason: anyString,
        message: anyString,
        filter: fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.record({ search: anyString, status: fc.array(fc.constantFrom('DRAFT', 'TRANSMITTED', 'X')) }, { requiredKeys: [] })),
        input: fc.oneof(
          fc.jsonValue({ maxDepth: 3 }),
          fc.record({ title: anyString, facts: anyString, factsDate: anyString, parquetCode: fc.constantFrom(w.parquet.code, w.otherParquet.code, 'X', null) }).map((override) => ({
            ...signalementInput(w.parquet.code),
            ...override,
          })),
        ),
      },
      { requiredKeys: [] },
    ),
    fc.jsonValue({ maxDepth: 3 }),
  );
  /** Un document valide, abîmé : coupures, insertions, doublons, morceaux de GraphQL. */
  const damagedDocument = fc
    .tuple(
      fc.constantFrom(...documents),
      fc.array(
        fc.tuple(fc.nat(), fc.nat({ max: 30 }), fc.oneof(fc.constantFrom(...fragments), anyString), fc.constantFrom('delete', 'insert', 'replace', 'duplicate')),
        { maxLength: 4 },
      ),
    )
    .map(([document, edits]) =>
      edits.reduce((text, [at, length, piece, kind]) => {
        const start = text.length === 0 ? 0 : at % text.length;
        if (kind === 'delete') return text.slice(0, start) + text.slice(start + length);
        if (kind === 'insert') return text.slice(0, start) + piece + text.slice(start);
        if (kind === 'replace') return text.slice(0, start) + piece + text.slice(start + length);
        return text.slice(0, start + length) + text.slice(start, start + length) + text.slice(start + length);
      }, document),
    );
  const auth = fc.constantFrom<Record<string, string>>(
    { authorization: `Bearer ${w.agent.token}` },
    { authorization: `Bearer ${w.agent.token}` },
    { authorization: `Bearer ${w.agent.token}` },
    {},
    { authorization: 'Bearer ips_inconnu' },
    { authorization: 'Basic dXNlcjpwYXNz' },
    { cookie: `ip_session=${w.agent.token}` },
    { cookie: `ip_session=${w.agent.token}`, origin: 'https://malveillant.example' },
  );

  let requests = 0;
  const statuses = new Map<number, number>();
  /** Envoie une requête et vérifie la réponse : jamais de 5xx ni d'erreur interne, jamais le marqueur de B. */
  async function check(path: string, init: RequestInit): Promise<void> {
    requests += 1;
    const response = await fetch(`${api.url.replace(/\/graphql$/, '')}${path}`, { ...init, signal: AbortSignal.timeout(10_000) });
    const body = await response.text();
    statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
    const where = `${init.method ?? 'GET'} ${path.slice(0, 200)} ${String(init.body ?? '').slice(0, 300)}`;
    expect(response.status, `${where}\n→ ${body.slice(0, 500)}`).toBeLessThan(500);
    expect(/INTERNAL_SERVER_ERROR|Erreur interne/.test(body), `${where}\n→ ${body.slice(0, 500)}`).toBe(false);
    expect(body.includes(SECRET), `${where}\n→ ${body.slice(0, 500)}`).toBe(false);
  }
  const postJson = (headers: Record<string, string>, payload: unknown) =>
    check('/graphql', { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(payload) });

  const started = Date.now();
  // 1. Des chaînes quelconques comme document.
  await fc.assert(
    fc.asyncProperty(auth, fc.oneof(anyString, fc.string({ maxLength: 500 })), async (headers, query) => postJson(headers, { query })),
    { numRuns: RUNS.strings, seed: SEED + RUNS.strings },
  );
  // 2. Des documents valides abîmés, avec des variables quelconques.
  await fc.assert(
    fc.asyncProperty(auth, damagedDocument, variables, fc.option(fc.constantFrom('Detail', 'List', 'Create', 'X', '')), async (headers, query, vars, operationName) =>
      postJson(headers, { query, variables: vars, ...(operationName === null ? {} : { operationName }) }),
    ),
    { numRuns: RUNS.documents, seed: SEED + RUNS.documents },
  );
  // 3. Des documents valides avec des variables quelconques (ou pas un objet).
  await fc.assert(
    fc.asyncProperty(auth, fc.constantFrom(...documents), variables, async (headers, query, vars) => postJson(headers, { query, variables: vars })),
    { numRuns: RUNS.variables, seed: SEED + RUNS.variables },
  );
  // 4. Des corps et des types de contenu quelconques, et d'autres méthodes.
  const contentTypes = [
    'application/json', 'application/json; charset=utf-8', 'application/graphql-response+json', 'application/graphql', 'text/plain',
    'multipart/form-data; boundary=frontiere', 'multipart/form-data', 'application/x-www-form-urlencoded', 'application/octet-stream', 'n/importe; quoi', '',
  ];
  const body = fc.oneof(
    anyString,
    fc.jsonValue({ maxDepth: 4 }).map((value) => JSON.stringify(value)),
    fc.tuple(damagedDocument, variables).map(([query, vars]) => JSON.stringify({ query, variables: vars })),
    fc.constantFrom('{"query":', '{"query":null}', '{"query":{"a":1}}', '[{"query":"{ me { id } }"}]', '{"query":"{ me { id } }","variables":"[]"}', '--frontiere\r\n\r\n--frontiere--'),
    fc.uint8Array({ maxLength: 300 }).map((bytes) => Buffer.from(bytes).toString('latin1')),
  );
  await fc.assert(
    fc.asyncProperty(
      auth,
      fc.constantFrom('POST', 'POST', 'POST', 'PUT', 'PATCH', 'DELETE'),
      fc.constantFrom(...contentTypes),
      fc.option(fc.constantFrom('application/json', 'application/graphql-response+json', 'text/event-stream', 'text/html', '*/*', 'n/importe')),
      body,
      async (headers, method, contentType, accept, payload) =>
        check('/graphql', { method, headers: { ...headers, ...(contentType ? { 'content-type': contentType } : {}), ...(accept ? { accept } : {}) }, body: payload }),
    ),
    { numRuns: RUNS.bodies, seed: SEED + RUNS.bodies },
  );
  // 5. Des requêtes GET aux paramètres quelconques.
  await fc.assert(
    fc.asyncProperty(
      auth,
      fc.dictionary(fc.oneof(fc.constantFrom('query', 'variables', 'operationName', 'extensions'), fc.string({ maxLength: 10 })), fc.oneof(damagedDocument, anyString, variables.map((v) => JSON.stringify(v))), { maxKeys: 4 }),
      fc.option(fc.constantFrom('application/json', 'application/graphql-response+json', 'text/html', 'text/event-stream')),
      async (headers, params, accept) => {
        const query = new URLSearchParams(params as Record<string, string>).toString();
        await check(`/graphql?${query.slice(0, 6000)}`, { headers: { ...headers, ...(accept ? { accept } : {}) } });
      },
    ),
    { numRuns: RUNS.gets, seed: SEED + RUNS.gets },
  );
  const elapsed = Date.now() - started;

  // Le serveur répond toujours, et normalement.
  const health = await fetch(api.url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${w.agent.token}` }, body: '{"query":"{ __typename me { email } }"}' });
  expect(health.status).toBe(200);
  expect(((await health.json()) as { data: { me: { email: string } } }).data.me.email).toMatch(/@test\.infoparquet$/);
  // B reste lisible par ceux qui en ont le droit : le marqueur était bien là pour être trouvé.
  const parquet = await fetch(api.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${w.clerk.token}` },
    body: JSON.stringify({ query: 'query($id: ID!) { signalement(id: $id) { title } }', variables: { id: secretId } }),
  });
  expect(await parquet.text()).toContain(SECRET);
  expect(requests).toBe(Object.values(RUNS).reduce((a, b) => a + b, 0));
  console.info(`[fuzz] ${requests} requêtes en ${elapsed} ms ; statuts : ${JSON.stringify(Object.fromEntries(statuses))}`);
}, 120_000);
