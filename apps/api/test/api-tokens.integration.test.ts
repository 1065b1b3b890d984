import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createDraft, createWorld, errorCode, setupIntegration, transmitDraft, uuidOf, type Actor, type GraphQLResponse, type TestClient } from './helpers.js';
import { httpClient, overHttp, startInstance, subscribe, sleep } from './realtime-helpers.js';

const t = setupIntegration();

const CREATE = `mutation($input: ApiTokenInput!) {
  createApiToken(input: $input) { token apiToken { id name tokenPrefix scopes allowedNetworks expiresAt status lastUsedAt createdBy { displayName } } }
}`;
const LIST = `query { apiTokens { id name tokenPrefix scopes status lastUsedAt lastUsedIp revokedAt revokedBy { displayName } } }`;
const REVOKE = `mutation($id: ID!) { revokeApiToken(id: $id) { id status revokedAt revokedBy { displayName } } }`;
const READ_LIST = `query { signalements(first: 10) { edges { node { id title } } } }`;
const EVENTS = `query { events(first: 10) { edges { node { kind reference } } } }`;
const CREATE_SIGNALEMENT = `mutation($input: SignalementInput!) { createSignalement(input: $input) { id history { action actor { displayName } } } }`;

const inDays = (days: number) => new Date(Date.now() + days * 24 * 3600 * 1000).toISOString();

function tokenInput(overrides: Record<string, unknown> = {}) {
  return { name: 'Logiciel de suivi', scopes: ['READ'], expiresAt: inDays(90), ...overrides };
}

interface Created {
  token: string;
  id: string;
  client: TestClient;
}

async function createToken(actor: Actor, overrides: Record<string, unknown> = {}): Promise<Created> {
  const response = await actor.client.gql(CREATE, { input: tokenInput(overrides) });
  expect(response.errors).toBeUndefined();
  const created = response.data!.createApiToken;
  return { token: created.token, id: created.apiToken.id, client: t.clientWithToken(created.token) };
}

function message(response: GraphQLResponse): string {
  return response.errors?.[0]?.message ?? '';
}

describe('jetons d’API : création, liste, révocation', () => {
  it('createApiToken : sans session, puis avec le mauvais rôle, puis par un responsable et un chef de parquet', async () => {
    const w = await createWorld(t);
    expect(errorCode(await t.anonymous.gql(CREATE, { input: tokenInput() }))).toBe('UNAUTHENTICATED');
    for (const actor of [w.agent, w.reader, w.clerk, w.prosecutor, w.platformAdmin]) {
      expect(errorCode(await actor.client.gql(CREATE, { input: tokenInput() })), actor.user.role).toBe('FORBIDDEN');
    }
    const response = await w.manager.client.gql(CREATE, { input: tokenInput({ scopes: ['READ', 'WRITE', 'READ'], allowedNetworks: ['203.0.113.0/24', '2001:DB8::/32', '198.51.100.7'] }) });
    expect(response.errors).toBeUndefined();
    const created = response.data!.createApiToken;
    expect(created.token).toMatch(/^ipk_[A-Za-z0-9_-]{43}$/);
    expect(created.apiToken).toMatchObject({
      name: 'Logiciel de suivi',
      tokenPrefix: created.token.slice(0, 12),
      scopes: ['READ', 'WRITE'],
      allowedNetworks: ['203.0.113.0/24', '2001:db8::/32', '198.51.100.7/32'],
      status: 'ACTIVE',
      lastUsedAt: null,
    });
    const head = await w.head.client.gql(CREATE, { input: tokenInput({ name: 'Logiciel du bureau d’ordre' }) });
    expect(head.data?.createApiToken.token).toMatch(/^ipk_/);
  });

  it('le jeton en clair n’est montré qu’une fois : ni la base, ni le journal, ni la liste ne le contiennent', async () => {
    const w = await createWorld(t);
    const { token, id } = await createToken(w.manager);
    const row = await t.prisma.apiToken.findUniqueOrThrow({ where: { id: uuidOf(id) } });
    expect(row.tokenHash).toBe(createHash('sha256').update(token).digest('hex'));
    expect(JSON.stringify(row)).not.toContain(token.slice(12));
    const journal = await t.prisma.auditEvent.findMany({ where: { action: 'API_TOKEN_CREATED' } });
    expect(journal).toHaveLength(1);
    expect(JSON.stringify(journal[0]!.after)).not.toContain(token.slice(12));
    expect(journal[0]!.after).toMatchObject({ name: 'Logiciel de suivi', tokenPrefix: token.slice(0, 12) });
    const list = await w.manager.client.gql(LIST);
    expect(list.data!.apiTokens).toMatchObject([{ id, tokenPrefix: token.slice(0, 12), status: 'ACTIVE' }]);
    expect(JSON.stringify(list)).not.toContain(token.slice(12));
    // Le type ApiToken n'a pas de champ qui rende le jeton.
    expect(errorCode(await w.manager.client.gql(`query { apiTokens { token } }`))).toBe('GRAPHQL_VALIDATION_FAILED');
  });

  it('refuse une saisie invalide avec un message en français : échéance passée ou au-delà d’un an, sans portée, réseau illisible, sans nom', async () => {
    const w = await createWorld(t);
    const cases: [Record<string, unknown>, string, string][] = [
      [{ expiresAt: inDays(-1) }, 'input.expiresAt', 'Échéance : une date à venir.'],
      [{ expiresAt: inDays(367) }, 'input.expiresAt', 'Échéance : un an au plus (366 jours).'],
      [{ scopes: [] }, 'input.scopes', 'Portées : au moins une'],
      [{ allowedNetworks: ['10.0.0.0/8', 'intranet'] }, 'input.allowedNetworks.1', 'n’est pas une adresse IPv4 ou IPv6'],
      [{ allowedNetworks: ['10.0.0.1/8'] }, 'input.allowedNetworks.0', 'bits d’hôte à zéro'],
      [{ name: '   ' }, 'input.name', 'Nom : champ obligatoire'],
    ];
    for (const [overrides, field, text] of cases) {
      const response = await w.manager.client.gql(CREATE, { input: tokenInput(overrides) });
      expect(errorCode(response), field).toBe('BAD_USER_INPUT');
      expect(response.errors![0]!.extensions!.fields).toEqual([{ field, message: expect.stringContaining(text) }]);
    }
    // L'échéance est obligatoire dans le schéma même.
    const missing = await w.manager.client.gql(CREATE, { input: { name: 'x', scopes: ['READ'] } });
    expect(missing.errors?.[0]?.message).toContain('expiresAt');
    expect(await t.prisma.apiToken.count()).toBe(0);
  });

  it('apiTokens : sans session, avec le mauvais rôle, puis seulement ceux de son organisation', async () => {
    const w = await createWorld(t);
    await createToken(w.manager, { name: 'Le nôtre' });
    await createToken(w.otherManager, { name: 'Celui d’une autre administration' });
    expect(errorCode(await t.anonymous.gql(LIST))).toBe('UNAUTHENTICATED');
    expect(errorCode(await w.agent.client.gql(LIST))).toBe('FORBIDDEN');
    expect((await w.manager.client.gql(LIST)).data!.apiTokens.map((token: { name: string }) => token.name)).toEqual(['Le nôtre']);
    expect((await w.head.client.gql(LIST)).data!.apiTokens).toEqual([]);
  });

  it('revokeApiToken : sans session, mauvais rôle, autre organisation (comme un inconnu), puis révocation immédiate', async () => {
    const w = await createWorld(t);
    const created = await createToken(w.manager);
    expect((await created.client.gql(READ_LIST)).errors).toBeUndefined();

    expect(errorCode(await t.anonymous.gql(REVOKE, { id: created.id }))).toBe('UNAUTHENTICATED');
    expect(errorCode(await w.agent.client.gql(REVOKE, { id: created.id }))).toBe('FORBIDDEN');
    const foreign = await w.otherManager.client.gql(REVOKE, { id: created.id });
    const unknown = await w.otherManager.client.gql(REVOKE, { id: Buffer.from('ApiToken:00000000-0000-4000-8000-000000000000').toString('base64') });
    expect(errorCode(foreign)).toBe('NOT_FOUND');
    expect(foreign.errors![0]!.message).toBe(unknown.errors![0]!.message);
    expect((await created.client.gql(READ_LIST)).errors).toBeUndefined();

    const revoked = await w.manager.client.gql(REVOKE, { id: created.id });
    expect(revoked.data!.revokeApiToken).toMatchObject({ status: 'REVOKED', revokedBy: { displayName: expect.any(String) } });
    const refused = await created.client.gql(READ_LIST);
    expect(errorCode(refused)).toBe('UNAUTHENTICATED');
    const status = await t.app.fetch('http://infoparquet.test/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${created.token}` },
      body: JSON.stringify({ query: READ_LIST }),
    });
    expect(status.status).toBe(401);
    expect(status.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');
    expect(message(refused)).toBe('Jeton d’API révoqué.');
    expect(refused.data ?? null).toBeNull();
    // Révoquer deux fois ne change rien et n'écrit rien de plus.
    await w.manager.client.gql(REVOKE, { id: created.id });
    expect(await t.prisma.auditEvent.count({ where: { action: 'API_TOKEN_REVOKED' } })).toBe(1);
  });
});

describe('jetons d’API : ce qu’un jeton peut faire', () => {
  it('un jeton utilisé laisse sa date d’usage et une trace au journal pour chaque opération, lecture comprise', async () => {
    const w = await createWorld(t);
    const id = await createDraft(w.agent, w.parquet.code);
    await transmitDraft(w.agent, id);
    const reader = await createToken(w.manager, { name: 'Lecture seule' });
    const before = await t.prisma.auditEvent.count();

    const list = await reader.client.gql(READ_LIST);
    expect(list.data!.signalements.edges).toHaveLength(1);
    const detail = await reader.client.gql(`query Detail($id: ID!) { signalement(id: $id) { title } }`, { id });
    expect(detail.data!.signalement.title).toBe('Tromperie sur la marchandise');
    const row = await t.prisma.apiToken.findUniqueOrThrow({ where: { id: uuidOf(reader.id) } });
    expect(row.lastUsedAt).not.toBeNull();

    const uses = await t.prisma.auditEvent.findMany({ where: { id: { gt: before } }, orderBy: { id: 'asc' } });
    expect(uses.map((event) => [event.action, (event.after as { operation?: string } | null)?.operation ?? null])).toEqual([
      ['API_TOKEN_USED', 'query signalements'],
      ['API_TOKEN_USED', 'query Detail'],
      // La consultation du détail est consignée comme toujours, avec le jeton.
      ['SIGNALEMENT_VIEWED', null],
    ]);
    for (const event of uses) {
      expect(event.apiTokenId).toBe(uuidOf(reader.id));
      expect(event.actorId).toBe(w.manager.user.id);
    }
  });

  it('un jeton READ lit mais n’écrit pas ; un jeton WRITE écrit au nom de son créateur, jamais comme un responsable', async () => {
    const w = await createWorld(t);
    const reader = await createToken(w.manager, { scopes: ['READ'] });
    const writer = await createToken(w.manager, { scopes: ['READ', 'WRITE'] });
    const writeOnly = await createToken(w.manager, { scopes: ['WRITE'] });
    const input = { parquetCode: w.parquet.code, title: 'Par le logiciel', facts: 'Faits constatés lors du contrôle, relevés par le logiciel métier.', factsDate: 'Mars 2026', places: ['77288'], natinfCodes: ['7111'], persons: [], urgent: false };

    const refused = await reader.client.gql(CREATE_SIGNALEMENT, { input });
    expect(errorCode(refused)).toBe('FORBIDDEN');
    expect(message(refused)).toBe('Ce jeton d’API n’a pas la portée écriture (WRITE) qu’exige cette opération.');
    expect(await t.prisma.signalement.count()).toBe(0);

    const created = await writer.client.gql(CREATE_SIGNALEMENT, { input });
    expect(created.errors).toBeUndefined();
    const id = created.data!.createSignalement.id as string;
    const transmitted = await writer.client.gql(`mutation($id: ID!) { transmitSignalement(id: $id) { status reference } }`, { id });
    expect(transmitted.data!.transmitSignalement.status).toBe('TRANSMITTED');
    // L'auteur au journal et dans l'historique est la personne qui a créé le jeton, avec le jeton.
    const history = await t.prisma.statusChange.findMany({ where: { signalementId: uuidOf(id) }, orderBy: { at: 'asc' } });
    expect(history.map((change) => [change.action, change.actorId, change.apiTokenId])).toEqual([
      ['create', w.manager.user.id, uuidOf(writer.id)],
      ['transmit', w.manager.user.id, uuidOf(writer.id)],
    ]);
    const written = await t.prisma.auditEvent.findMany({ where: { signalementId: uuidOf(id) }, orderBy: { id: 'asc' } });
    expect(written.map((event) => [event.action, event.apiTokenId])).toEqual([
      ['SIGNALEMENT_CREATED', uuidOf(writer.id)],
      ['SIGNALEMENT_TRANSMITTED', uuidOf(writer.id)],
    ]);

    // Le jeton READ suit ce que le jeton WRITE a fait, par le flux d'événements.
    const feed = await reader.client.gql(EVENTS);
    expect(feed.data!.events.edges.map((edge: { node: { kind: string } }) => edge.node.kind)).toEqual(['CREATED', 'TRANSMITTED']);
    expect(feed.data!.events.edges[1].node.reference).toBe(transmitted.data!.transmitSignalement.reference);

    // Un jeton WRITE sans READ écrit mais ne lit pas.
    expect(errorCode(await writeOnly.client.gql(READ_LIST))).toBe('FORBIDDEN');
    expect(message(await writeOnly.client.gql(READ_LIST))).toContain('lecture (READ)');

    // Jamais les opérations d'un responsable : retrait, membres, jetons ; ni celles d'une personne.
    const managerOnly = [
      [`mutation($id: ID!) { withdrawSignalement(id: $id, reason: "Erreur de destinataire") { status } }`, { id }],
      [`mutation { createMember(input: { email: "nouveau@test.infoparquet", firstName: "A", lastName: "B", role: AGENT }) { temporaryPassword } }`, {}],
      [CREATE, { input: tokenInput() }],
      [`mutation { revokeApiToken(id: "${writer.id}") { status } }`, {}],
    ] as const;
    for (const [query, variables] of managerOnly) expect(errorCode(await writer.client.gql(query, variables)), query).toBe('FORBIDDEN');
    for (const query of [`mutation { logout }`, `mutation { setNotificationPreference(event: DECISION, frequency: NEVER) { event } }`]) {
      const response = await writer.client.gql(query);
      expect(errorCode(response), query).toBe('FORBIDDEN');
      expect(message(response)).toContain('réservée aux personnes connectées');
    }
    expect((await t.prisma.signalement.findFirstOrThrow()).status).toBe('TRANSMITTED');
  });

  it('au parquet : un jeton WRITE enregistre mais ne décide pas ; un jeton READ n’enregistre pas', async () => {
    const w = await createWorld(t);
    const id = await createDraft(w.agent, w.parquet.code);
    await transmitDraft(w.agent, id);
    const reader = await createToken(w.head, { scopes: ['READ'] });
    const writer = await createToken(w.head, { scopes: ['READ', 'WRITE'] });
    const REGISTER = `mutation($id: ID!) { registerSignalement(id: $id, parquetNumber: "26000123") { status } }`;
    expect((await reader.client.gql(`query($id: ID!) { signalement(id: $id) { status } }`, { id })).data!.signalement.status).toBe('TRANSMITTED');
    expect(errorCode(await reader.client.gql(REGISTER, { id }))).toBe('FORBIDDEN');
    expect((await writer.client.gql(REGISTER, { id })).data!.registerSignalement.status).toBe('REGISTERED');
    const decide = await writer.client.gql(`mutation($id: ID!) { decideSignalement(id: $id, input: { kind: PROSECUTION, reasons: "Poursuites." }) { status } }`, { id });
    expect(errorCode(decide)).toBe('FORBIDDEN');
    expect(errorCode(await writer.client.gql(`query { members { id } }`))).toBeUndefined();
    expect(errorCode(await writer.client.gql(`mutation { createMember(input: { email: "x@test.infoparquet", firstName: "A", lastName: "B", role: CLERK }) { temporaryPassword } }`))).toBe('FORBIDDEN');
  });

  it('un jeton expiré, ou dont le créateur a quitté l’organisation, est refusé ; un jeton inconnu aussi', async () => {
    const w = await createWorld(t);
    const expired = await createToken(w.manager);
    // L'échéance passe (la base exige seulement qu'elle suive la création).
    await t.prisma.apiToken.update({
      where: { id: uuidOf(expired.id) },
      data: { createdAt: new Date(Date.now() - 10 * 86_400_000), expiresAt: new Date(Date.now() - 1000) },
    });
    const response = await expired.client.gql(READ_LIST);
    expect(errorCode(response)).toBe('UNAUTHENTICATED');
    expect(message(response)).toBe('Jeton d’API expiré.');
    expect((await w.manager.client.gql(LIST)).data!.apiTokens[0].status).toBe('EXPIRED');

    const orphan = await createToken(w.manager, { name: 'Orphelin' });
    await t.prisma.user.update({ where: { id: w.manager.user.id }, data: { active: false } });
    expect(message(await orphan.client.gql(READ_LIST))).toContain('n’est plus membre active');

    const unknown = await t.clientWithToken(`ipk_${'A'.repeat(43)}`).gql(READ_LIST);
    expect(errorCode(unknown)).toBe('UNAUTHENTICATED');
    // Les refus d'un jeton connu sont consignés, avec leur raison.
    const refusals = await t.prisma.auditEvent.findMany({ where: { action: 'API_TOKEN_REFUSED' }, orderBy: { id: 'asc' } });
    expect(refusals.map((event) => (event.after as { reason: string }).reason)).toEqual(['EXPIRED', 'CREATOR_INACTIVE']);
  });
});

describe('jetons d’API : réseau, WebSocket et documents, sur un vrai serveur', () => {
  it('un jeton n’est accepté que depuis ses réseaux autorisés ; l’adresse de la dernière utilisation est gardée', async () => {
    const api = await startInstance();
    const w = overHttp(api, await createWorld(t));
    const elsewhere = await createToken(w.manager, { allowedNetworks: ['10.0.0.0/8', '2001:db8::/32'] });
    const local = await createToken(w.manager, { allowedNetworks: ['127.0.0.0/8'] });

    const refused = await fetch(api.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${elsewhere.token}` },
      body: JSON.stringify({ query: READ_LIST }),
    });
    // La requête entière est refusée avant toute exécution, et le statut HTTP le dit.
    expect(refused.status).toBe(403);
    const body = (await refused.json()) as GraphQLResponse;
    expect(body.data ?? null).toBeNull();
    expect(body.errors).toEqual([{ extensions: { code: 'FORBIDDEN' }, message: 'Jeton d’API utilisé depuis un réseau non autorisé (127.0.0.1) : voyez ses réseaux autorisés.' }]);
    // En mémoire, sans adresse connue, un jeton limité à des réseaux est refusé lui aussi.
    expect(errorCode(await elsewhere.client.gql(READ_LIST))).toBe('FORBIDDEN');

    expect((await httpClient(api.url, local.token).gql(READ_LIST)).errors).toBeUndefined();
    const row = await t.prisma.apiToken.findUniqueOrThrow({ where: { id: uuidOf(local.id) } });
    expect(row.lastUsedIp).toBe('127.0.0.1');
    expect((await w.manager.client.gql(LIST)).data!.apiTokens.find((token: { id: string }) => token.id === local.id)).toMatchObject({ lastUsedIp: '127.0.0.1' });
    const used = await t.prisma.auditEvent.findFirstOrThrow({ where: { action: 'API_TOKEN_USED', apiTokenId: uuidOf(local.id) } });
    expect(used.after).toMatchObject({ ip: '127.0.0.1', operation: 'query signalements', scope: 'READ' });
  });

  it('limite de débit par jeton, indépendante de celle de la personne qui l’a créé (429 RATE_LIMITED)', async () => {
    const api = await startInstance({ RATE_LIMIT_PER_MINUTE_TOKEN: '3', RATE_LIMIT_PER_MINUTE_USER: '5', RATE_LIMIT_KEY_PREFIX: `test-jetons-${process.pid}-${Date.now()}` });
    const w = overHttp(api, await createWorld(t));
    // Deux requêtes de la personne (sur ses 5) pour créer deux jetons.
    const first = await createToken(w.manager, { name: 'Premier' });
    const second = await createToken(w.manager, { name: 'Second' });
    const send = (token: string) =>
      fetch(api.url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ query: READ_LIST }) });

    for (let i = 1; i <= 3; i += 1) {
      const response = await send(first.token);
      expect(response.status).toBe(200);
      expect(response.headers.get('ratelimit-policy')).toContain('"token";q=3');
      expect(response.headers.get('ratelimit-remaining')).toBe(String(3 - i));
    }
    const limited = await send(first.token);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toMatch(/^[1-9]\d*$/);
    expect(((await limited.json()) as GraphQLResponse).errors?.[0]?.extensions?.code).toBe('RATE_LIMITED');
    // L'autre jeton de la même personne a son propre compte…
    for (let i = 0; i < 3; i += 1) expect((await send(second.token)).status).toBe(200);
    // … et la personne aussi : les six requêtes des jetons ne lui ont rien coûté (3 restantes sur 5).
    for (let i = 0; i < 3; i += 1) expect(errorCode(await w.manager.client.gql(LIST))).toBeUndefined();
    expect(errorCode(await w.manager.client.gql(LIST))).toBe('RATE_LIMITED');
  });

  it('WebSocket : un jeton s’abonne ; hors réseau ou révoqué il est refusé, et la révocation ferme ses sockets ouvertes', async () => {
    const api = await startInstance();
    const w = overHttp(api, await createWorld(t));
    const valid = await createToken(w.manager);
    const outside = await createToken(w.manager, { allowedNetworks: ['192.0.2.0/24'] });
    const SUBSCRIPTION = `subscription { signalementEvents { kind signalement { title } } }`;

    const screen = subscribe(api.url, valid.token, SUBSCRIPTION);
    await sleep(200);
    const id = await createDraft(w.agent, w.parquet.code);
    await transmitDraft(w.agent, id);
    expect((await screen.waitFor(2)).map((event) => event.signalementEvents.kind)).toEqual(['CREATED', 'TRANSMITTED']);

    const refusedScreen = subscribe(api.url, outside.token, SUBSCRIPTION);
    expect(await refusedScreen.waitClosed()).toMatchObject({ code: 4403, reason: expect.stringContaining('réseau non autorisé') });

    await w.manager.client.gql(REVOKE, { id: valid.id });
    expect(await screen.waitClosed()).toMatchObject({ code: 4403 });
    const afterRevocation = subscribe(api.url, valid.token, SUBSCRIPTION);
    expect(await afterRevocation.waitClosed()).toEqual({ code: 4403, reason: 'Jeton d’API révoqué.' });
  });

  it('documents : un jeton READ télécharge l’accusé de réception ; révoqué, 401', async () => {
    const api = await startInstance();
    const w = overHttp(api, await createWorld(t));
    const id = await createDraft(w.agent, w.parquet.code);
    await transmitDraft(w.agent, id);
    const reader = await createToken(w.manager);
    const path = `/documents/signalements/${encodeURIComponent(id)}/accuse-de-reception.pdf`;
    const download = () => fetch(new URL(path, api.url), { headers: { authorization: `Bearer ${reader.token}` } });
    const ok = await download();
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-type')).toBe('application/pdf');
    const used = await t.prisma.auditEvent.findFirstOrThrow({ where: { action: 'API_TOKEN_USED', apiTokenId: uuidOf(reader.id) } });
    expect(used.after).toMatchObject({ operation: `GET ${path}`, scope: 'READ' });
    await w.manager.client.gql(REVOKE, { id: reader.id });
    const refused = await download();
    expect(refused.status).toBe(401);
    expect(await refused.json()).toEqual({ code: 'UNAUTHENTICATED', error: 'Jeton d’API révoqué.' });
  });
});
