import { randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createSecretBox } from '../src/domains/webhooks/secret-box.js';
import { deliverWebhook } from '../src/domains/webhooks/sender.js';
import { verifySignature } from '../src/domains/webhooks/signature.js';
import { asUser, createDraft, createWorld, errorCode, runApiScript, setupIntegration, transmitDraft, uuidOf, type Actor } from './helpers.js';
import { overHttp, startInstance, until } from './realtime-helpers.js';

const t = setupIntegration();

const REGISTER = `mutation($input: WebhookInput!) { registerWebhook(input: $input) { secret webhook { id url events active description } } }`;
const LIST = `query { webhooks { id url events active consecutiveFailures disabledReason deliveries(first: 10) { eventCursor event status attempts lastStatusCode } } }`;
const DELETE = `mutation($id: ID!) { deleteWebhook(id: $id) }`;
const ENABLE = `mutation($id: ID!) { enableWebhook(id: $id) { active consecutiveFailures disabledAt disabledReason } }`;
const REPLAY = `mutation($id: ID!, $after: String) { replayWebhookDeliveries(id: $id, after: $after) { enqueued position hasMore } }`;
const PUBLIC_URL = 'https://93.184.216.34/webhooks/infoparquet';

// ——— Un destinataire de webhooks, un vrai serveur HTTP sur 127.0.0.1 ———

interface ReceivedRequest {
  headers: IncomingHttpHeaders;
  body: string;
}

interface Receiver {
  port: number;
  url: string;
  requests: ReceivedRequest[];
  /** Le statut de la n-ième requête reçue (à partir de 1). */
  respond: (n: number) => number;
  close(): Promise<void>;
}

const receivers: Server[] = [];
afterEach(async () => {
  while (receivers.length > 0) {
    const server = receivers.pop()!;
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

async function startReceiver(port = 0): Promise<Receiver> {
  const receiver: Receiver = {
    port,
    url: '',
    requests: [],
    respond: () => 200,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      receivers.splice(receivers.indexOf(server), 1);
    },
  };
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      receiver.requests.push({ headers: req.headers, body });
      res.writeHead(receiver.respond(receiver.requests.length)).end();
    });
  });
  receivers.push(server);
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  receiver.port = (server.address() as AddressInfo).port;
  receiver.url = `http://127.0.0.1:${receiver.port}/webhooks/infoparquet`;
  return receiver;
}

function webhooksInstance(overrides: Record<string, string> = {}) {
  return startInstance({
    WEBHOOK_DELIVERIES: 'true',
    WEBHOOK_ALLOWED_HOSTS: '127.0.0.1',
    WEBHOOK_RETRY_BASE_MS: '50',
    WEBHOOK_POLL_MS: '50',
    ...overrides,
  });
}

async function register(actor: Actor, url: string, events: string[] = ['TRANSMITTED']) {
  const response = await actor.client.gql(REGISTER, { input: { url, events, description: 'Logiciel de suivi' } });
  expect(response.errors).toBeUndefined();
  return response.data!.registerWebhook as { secret: string; webhook: { id: string; url: string; active: boolean } };
}

const header = (request: ReceivedRequest, name: string) => request.headers[name.toLowerCase()] as string | undefined;

function waitForRequests(receiver: Receiver, count: number, timeoutMs = 5000) {
  return until(() => receiver.requests.length >= count, timeoutMs, () => `${receiver.requests.length}/${count} livraisons reçues`);
}

function sleep(ms: number) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

describe('webhooks : enregistrement et gestion', () => {
  it('registerWebhook : sans session, mauvais rôle, saisie invalide, puis par un responsable (secret montré une fois)', async () => {
    const w = await createWorld(t);
    const input = { url: PUBLIC_URL, events: ['TRANSMITTED', 'DECIDED'] };
    expect(errorCode(await t.anonymous.gql(REGISTER, { input }))).toBe('UNAUTHENTICATED');
    for (const actor of [w.agent, w.reader, w.clerk, w.prosecutor, w.platformAdmin]) {
      expect(errorCode(await actor.client.gql(REGISTER, { input })), actor.user.role).toBe('FORBIDDEN');
    }
    const noEvents = await w.manager.client.gql(REGISTER, { input: { ...input, events: [] } });
    expect(errorCode(noEvents)).toBe('BAD_USER_INPUT');
    expect(noEvents.errors![0]!.message).toContain('Événements : au moins un');

    const registered = await register(w.manager, PUBLIC_URL, ['TRANSMITTED', 'DECIDED', 'TRANSMITTED']);
    expect(registered.secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    expect(registered.webhook).toMatchObject({ url: PUBLIC_URL, events: ['TRANSMITTED', 'DECIDED'], active: true, description: 'Logiciel de suivi' });
    expect((await register(w.head, PUBLIC_URL)).webhook.active).toBe(true);
    // Le secret n'est jamais relu : ni dans la liste, ni au journal.
    const list = await w.manager.client.gql(LIST);
    expect(list.data!.webhooks).toHaveLength(1);
    expect(JSON.stringify(list)).not.toContain(registered.secret);
    expect(errorCode(await w.manager.client.gql(`query { webhooks { secret } }`))).toBe('GRAPHQL_VALIDATION_FAILED');
    const journal = await t.prisma.auditEvent.findMany({ where: { action: 'WEBHOOK_REGISTERED' } });
    expect(journal).toHaveLength(2);
    expect(JSON.stringify(journal.map((event) => event.after))).not.toContain(registered.secret);
    // La base n'en garde que la version chiffrée.
    const stored = await t.prisma.webhookEndpoint.findUniqueOrThrow({ where: { id: uuidOf(registered.webhook.id) } });
    expect(stored.secret).not.toContain(registered.secret.slice('whsec_'.length));
    expect(stored.secret).toMatch(/^v1\./);
  });

  it('refuse les adresses internes (SSRF) et http, avec BAD_USER_INPUT et un message en français', async () => {
    const w = await createWorld(t);
    const refused: [string, string][] = [
      ['https://127.0.0.1/', 'adresse interne'],
      ['https://10.0.0.1/', 'adresse interne'],
      ['https://169.254.169.254/latest/meta-data/', 'adresse interne'],
      ['https://[::1]/', 'adresse interne'],
      ['https://[::ffff:127.0.0.1]/', 'adresse interne'],
      ['https://[fd00::1]/', 'adresse interne'],
      ['https://100.64.0.1/', 'adresse interne'],
      ['http://example.org/', 'https obligatoire'],
      ['https://localhost/', 'se résout en'],
      ['pas une adresse', 'URL complète'],
    ];
    for (const [url, text] of refused) {
      const response = await w.manager.client.gql(REGISTER, { input: { url, events: ['TRANSMITTED'] } });
      expect(errorCode(response), url).toBe('BAD_USER_INPUT');
      expect(response.errors![0]!.extensions!.fields).toEqual([{ field: 'url', message: expect.stringContaining(text) }]);
      expect(response.errors![0]!.message).toMatch(/^Saisie invalide\. Adresse : /);
    }
    expect(await t.prisma.webhookEndpoint.count()).toBe(0);
  });

  it('webhooks, deleteWebhook, enableWebhook, replayWebhookDeliveries : sans session, mauvais rôle, autre organisation comme une inconnue', async () => {
    const w = await createWorld(t);
    const { webhook } = await register(w.manager, PUBLIC_URL);
    const unknown = Buffer.from('Webhook:00000000-0000-4000-8000-000000000000').toString('base64');
    expect(errorCode(await t.anonymous.gql(LIST))).toBe('UNAUTHENTICATED');
    expect(errorCode(await w.agent.client.gql(LIST))).toBe('FORBIDDEN');
    expect((await w.otherManager.client.gql(LIST)).data!.webhooks).toEqual([]);
    for (const query of [DELETE, ENABLE, REPLAY]) {
      expect(errorCode(await t.anonymous.gql(query, { id: webhook.id })), query).toBe('UNAUTHENTICATED');
      expect(errorCode(await w.agent.client.gql(query, { id: webhook.id })), query).toBe('FORBIDDEN');
      const foreign = await w.otherManager.client.gql(query, { id: webhook.id });
      const missing = await w.otherManager.client.gql(query, { id: unknown });
      expect(errorCode(foreign), query).toBe('NOT_FOUND');
      expect(foreign.errors![0]!.message).toBe(missing.errors![0]!.message);
    }
    expect(errorCode(await w.manager.client.gql(REPLAY, { id: webhook.id, after: 'x' }))).toBe('BAD_USER_INPUT');
    expect((await w.manager.client.gql(DELETE, { id: webhook.id })).data!.deleteWebhook).toBe(webhook.id);
    expect(await t.prisma.webhookEndpoint.count()).toBe(0);
    expect(await t.prisma.auditEvent.count({ where: { action: 'WEBHOOK_DELETED' } })).toBe(1);
  });
});

describe('webhooks : livraisons, sur un vrai serveur et un vrai destinataire', () => {
  it('une livraison signée (HMAC-SHA256 de l’horodatage et du corps), minimale, des seuls événements demandés et visibles', async () => {
    const api = await webhooksInstance();
    const w = overHttp(api, await createWorld(t));
    const receiver = await startReceiver();
    const otherReceiver = await startReceiver();
    const { secret } = await register(w.manager, receiver.url, ['TRANSMITTED', 'DECIDED']);
    await register(w.otherManager, otherReceiver.url, ['CREATED', 'TRANSMITTED', 'DECIDED']);

    const id = await createDraft(w.agent, w.parquet.code, { title: 'Titre confidentiel du signalement' });
    const reference = await transmitDraft(w.agent, id);
    await waitForRequests(receiver, 1);
    await sleep(300);
    expect(receiver.requests).toHaveLength(1);
    const [request] = receiver.requests;

    expect(header(request!, 'content-type')).toBe('application/json; charset=utf-8');
    expect(header(request!, 'X-InfoParquet-Event')).toBe('TRANSMITTED');
    const timestamp = Number(header(request!, 'X-InfoParquet-Timestamp'));
    expect(Math.abs(timestamp - Date.now() / 1000)).toBeLessThan(60);
    expect(verifySignature(secret, { signature: header(request!, 'X-InfoParquet-Signature'), timestamp: String(timestamp) }, request!.body)).toBe(true);
    expect(verifySignature('whsec_autre', { signature: header(request!, 'X-InfoParquet-Signature'), timestamp: String(timestamp) }, request!.body)).toBe(false);

    const body = JSON.parse(request!.body);
    expect(Object.keys(body)).toEqual(['id', 'event', 'signalementId', 'reference', 'occurredAt']);
    expect(body).toMatchObject({ event: 'TRANSMITTED', signalementId: id, reference });
    expect(request!.body).not.toMatch(/Titre confidentiel|Tromperie|étiquettes/);
    // L'identifiant est le curseur de l'événement dans le flux.
    const feed = await w.manager.client.gql(`query { events(first: 10) { edges { cursor node { kind } } } }`);
    expect(feed.data!.events.edges.find((edge: { node: { kind: string } }) => edge.node.kind === 'TRANSMITTED').cursor).toBe(body.id);
    const delivery = await t.prisma.webhookDelivery.findFirstOrThrow();
    expect(header(request!, 'X-InfoParquet-Delivery')).toBe(delivery.id);
    expect(delivery).toMatchObject({ status: 'SUCCEEDED', attempts: 1, lastStatusCode: 200 });
    // L'autre administration ne voit pas ce signalement : son adresse ne reçoit rien.
    expect(otherReceiver.requests).toEqual([]);
  });

  it('réessaie avec un délai croissant : 500, 500 puis 200 donne une seule livraison réussie', async () => {
    const api = await webhooksInstance();
    const w = overHttp(api, await createWorld(t));
    const receiver = await startReceiver();
    receiver.respond = (n) => (n <= 2 ? 500 : 200);
    const { secret, webhook } = await register(w.manager, receiver.url);
    await transmitDraft(w.agent, await createDraft(w.agent, w.parquet.code));
    await waitForRequests(receiver, 3);
    await sleep(400);
    expect(receiver.requests).toHaveLength(3);
    expect(new Set(receiver.requests.map((request) => header(request, 'X-InfoParquet-Delivery'))).size).toBe(1);
    expect(new Set(receiver.requests.map((request) => request.body)).size).toBe(1);
    for (const request of receiver.requests) {
      expect(verifySignature(secret, { signature: header(request, 'X-InfoParquet-Signature'), timestamp: header(request, 'X-InfoParquet-Timestamp') }, request.body)).toBe(true);
    }
    expect(await t.prisma.webhookDelivery.findFirstOrThrow()).toMatchObject({ status: 'SUCCEEDED', attempts: 3, lastStatusCode: 200, lastError: null });
    expect(await t.prisma.webhookEndpoint.findUniqueOrThrow({ where: { id: uuidOf(webhook.id) } })).toMatchObject({ active: true, consecutiveFailures: 0 });
  });

  it('changement de clé : au démarrage, les secrets (même ceux restés en clair) sont rechiffrés et signent toujours ; une clé perdue fait échouer la livraison avec l’erreur', async () => {
    const newSecretKey = () => randomBytes(32).toString('base64');
    const [oldKey, newKey, lostKey] = [newSecretKey(), newSecretKey(), newSecretKey()] as const;
    const before = await webhooksInstance({ WEBHOOK_SECRET_KEY: oldKey });
    const w = await createWorld(t);
    const receiver = await startReceiver();
    const legacyReceiver = await startReceiver();
    const { secret } = await register(overHttp(before, w).manager, receiver.url);
    const legacy = await register(overHttp(before, w).manager, legacyReceiver.url);
    // Une adresse enregistrée avant le chiffrement : son secret est en clair en base.
    await t.prisma.webhookEndpoint.update({ where: { id: uuidOf(legacy.webhook.id) }, data: { secret: legacy.secret } });
    await before.close();

    const after = await webhooksInstance({ WEBHOOK_SECRET_KEY: newKey, WEBHOOK_SECRET_KEY_PREVIOUS: oldKey });
    const stored = await t.prisma.webhookEndpoint.findMany({ select: { secret: true } });
    const current = createSecretBox(Buffer.from(newKey, 'base64'));
    expect(stored.map((endpoint) => current.isCurrent(endpoint.secret))).toEqual([true, true]);
    expect(JSON.stringify(stored)).not.toContain(legacy.secret);
    await transmitDraft(overHttp(after, w).agent, await createDraft(overHttp(after, w).agent, w.parquet.code));
    await Promise.all([waitForRequests(receiver, 1), waitForRequests(legacyReceiver, 1)]);
    for (const [request, key] of [[receiver.requests[0]!, secret], [legacyReceiver.requests[0]!, legacy.secret]] as const) {
      expect(verifySignature(key, { signature: header(request, 'X-InfoParquet-Signature'), timestamp: header(request, 'X-InfoParquet-Timestamp') }, request.body)).toBe(true);
    }
    await after.close();

    // Une instance qui n'a plus la clé : rien ne part, l'erreur est notée et la livraison réessayée.
    const lost = await webhooksInstance({ WEBHOOK_SECRET_KEY: lostKey });
    await transmitDraft(overHttp(lost, w).agent, await createDraft(overHttp(lost, w).agent, w.parquet.code));
    for (const started = Date.now(); (await t.prisma.webhookDelivery.count({ where: { lastError: { contains: 'clé inconnue' } } })) < 2; await sleep(50)) {
      if (Date.now() - started > 5000) throw new Error('Les deux livraisons n’ont pas échoué sur la clé inconnue.');
    }
    expect(receiver.requests).toHaveLength(1);
    expect(legacyReceiver.requests).toHaveLength(1);
    expect(await t.prisma.webhookDelivery.count({ where: { status: 'PENDING', lastError: { contains: 'WEBHOOK_SECRET_KEY' } } })).toBe(2);
  });

  it('la production refuse de démarrer sans WEBHOOK_SECRET_KEY, avec un message qui dit quoi faire', async () => {
    const run = await runApiScript('src/server.ts', [], { NODE_ENV: 'production', PORT: '0', SEED_DEMO_DATA: 'false' });
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain('WEBHOOK_SECRET_KEY est obligatoire en production');
    expect(run.stderr).toContain('openssl rand -base64 32');
  }, 30_000);

  it('la file est en base : arrêté pendant que le destinataire est injoignable, un nouveau serveur livre tout', async () => {
    const down = await startReceiver();
    const port = down.port;
    await down.close();
    const first = await webhooksInstance({ WEBHOOK_MAX_FAILURES: '50' });
    const w = await createWorld(t);
    const onFirst = overHttp(first, w);
    await register(onFirst.manager, `http://127.0.0.1:${port}/webhooks/infoparquet`);
    const references = [
      await transmitDraft(onFirst.agent, await createDraft(onFirst.agent, w.parquet.code)),
      await transmitDraft(onFirst.agent, await createDraft(onFirst.agent, w.parquet.code)),
    ];
    let pending: { status: string; attempts: number; lastError: string | null; auditEventId: bigint }[] = [];
    for (let i = 0; i < 100; i += 1) {
      pending = await t.prisma.webhookDelivery.findMany({ orderBy: { auditEventId: 'asc' } });
      // L'essai est compté à la réservation, l'erreur notée après l'envoi : on attend l'erreur.
      if (pending.length === 2 && pending[0]!.lastError !== null && pending[0]!.attempts >= 2) break;
      await sleep(50);
    }
    expect(pending.map((delivery) => delivery.status)).toEqual(['PENDING', 'PENDING']);
    // Une adresse est servie une livraison à la fois, la plus ancienne d'abord : la seconde attend derrière.
    expect(pending[0]!.lastError).toContain('ECONNREFUSED');
    expect(pending[0]!.attempts).toBeGreaterThanOrEqual(2);
    expect(pending[1]).toMatchObject({ attempts: 0, lastError: null });
    await first.close();

    const receiver = await startReceiver(port);
    await webhooksInstance({ WEBHOOK_MAX_FAILURES: '50' });
    await waitForRequests(receiver, 2, 10_000);
    await sleep(300);
    // Dans l'ordre des événements.
    expect(receiver.requests.map((request) => JSON.parse(request.body).reference)).toEqual(references);
    expect((await t.prisma.webhookDelivery.findMany()).map((delivery) => delivery.status)).toEqual(['SUCCEEDED', 'SUCCEEDED']);
  });

  it('désactivée après N échecs consécutifs, courriel aux responsables ; réactivée, le rejeu renvoie les événements', async () => {
    const api = await webhooksInstance({ WEBHOOK_MAX_FAILURES: '3', WEBHOOK_RETRY_BASE_MS: '20' });
    const w = overHttp(api, await createWorld(t));
    const secondManager = await asUser(t, w.administration.id, 'MANAGER');
    const formerManager = await asUser(t, w.administration.id, 'MANAGER');
    await t.prisma.user.update({ where: { id: formerManager.user.id }, data: { active: false } });
    const receiver = await startReceiver();
    receiver.respond = () => 500;
    const { webhook } = await register(w.manager, receiver.url);
    const firstId = await createDraft(w.agent, w.parquet.code, { title: 'Titre à ne pas envoyer' });
    const firstReference = await transmitDraft(w.agent, firstId);

    let endpoint = await t.prisma.webhookEndpoint.findUniqueOrThrow({ where: { id: uuidOf(webhook.id) } });
    for (let i = 0; i < 100 && endpoint.active; i += 1) {
      await sleep(50);
      endpoint = await t.prisma.webhookEndpoint.findUniqueOrThrow({ where: { id: uuidOf(webhook.id) } });
    }
    expect(endpoint).toMatchObject({ active: false, consecutiveFailures: 3 });
    expect(endpoint.disabledReason).toBe('3 échecs consécutifs, le dernier : HTTP 500');
    await sleep(200);
    expect(receiver.requests).toHaveLength(3);
    expect((await t.prisma.webhookDelivery.findFirstOrThrow()).status).toBe('FAILED');

    const emails = await t.prisma.outgoingEmail.findMany({ orderBy: { toAddress: 'asc' } });
    const managers = [w.manager.user.id, secondManager.user.id];
    expect(emails.map((email) => email.userId).sort()).toEqual([...managers].sort());
    for (const email of emails) {
      expect(email.subject).toBe('Webhook désactivé après des échecs répétés');
      expect(email.text).toContain(receiver.url);
      expect(email.text).toContain('3 échecs consécutifs, le dernier : HTTP 500');
      expect(`${email.text}${email.html}`).not.toMatch(/Titre à ne pas envoyer|IP-\d{4}/);
    }
    expect(await t.prisma.auditEvent.count({ where: { action: 'WEBHOOK_DISABLED', organizationId: w.administration.id } })).toBe(1);
    const listed = (await w.manager.client.gql(LIST)).data!.webhooks[0];
    expect(listed).toMatchObject({ active: false, deliveries: [{ status: 'FAILED', attempts: 3, lastStatusCode: 500, event: 'TRANSMITTED' }] });

    // Désactivée, elle ne reçoit rien de nouveau ; rejouer est refusé tant qu'elle l'est.
    const secondReference = await transmitDraft(w.agent, await createDraft(w.agent, w.parquet.code));
    await sleep(300);
    expect(receiver.requests).toHaveLength(3);
    expect(errorCode(await w.manager.client.gql(REPLAY, { id: webhook.id }))).toBe('BAD_USER_INPUT');

    receiver.respond = () => 204;
    const enabled = await w.manager.client.gql(ENABLE, { id: webhook.id });
    expect(enabled.data!.enableWebhook).toEqual({ active: true, consecutiveFailures: 0, disabledAt: null, disabledReason: null });
    const replay = await w.manager.client.gql(REPLAY, { id: webhook.id, after: null });
    expect(replay.data!.replayWebhookDeliveries).toMatchObject({ enqueued: 2, hasMore: false });
    await waitForRequests(receiver, 5);
    const replayed = receiver.requests.slice(3).map((request) => JSON.parse(request.body));
    expect(replayed.map((body) => body.reference)).toEqual([firstReference, secondReference]);

    // Rejouer après le premier renvoie seulement le second, même déjà livré.
    const again = await w.manager.client.gql(REPLAY, { id: webhook.id, after: replayed[0].id });
    expect(again.data!.replayWebhookDeliveries.enqueued).toBe(1);
    await waitForRequests(receiver, 6);
    expect(JSON.parse(receiver.requests[5]!.body).reference).toBe(secondReference);
    expect(await t.prisma.auditEvent.count({ where: { action: 'WEBHOOK_REPLAYED' } })).toBe(2);
  });

  it('à la livraison aussi, une adresse interne ou en http est refusée sans connexion (rebinding DNS)', async () => {
    const delivery = { id: '00000000-0000-4000-8000-000000000000', secret: 'whsec_x', event: 'TRANSMITTED', payload: { id: '1', event: 'TRANSMITTED' as const, signalementId: 'x', reference: null, occurredAt: new Date().toISOString() } };
    const receiver = await startReceiver();
    // « localhost » se résout en 127.0.0.1 : refusé au moment de se connecter, le destinataire ne reçoit rien.
    const viaName = await deliverWebhook({ ...delivery, url: `https://localhost:${receiver.port}/` }, { allowedHosts: [] });
    expect(viaName).toMatchObject({ ok: false, error: expect.stringContaining('adresse refusée') });
    expect(await deliverWebhook({ ...delivery, url: `https://127.0.0.1:${receiver.port}/` }, { allowedHosts: [] })).toMatchObject({ ok: false, error: expect.stringContaining('interne') });
    expect(await deliverWebhook({ ...delivery, url: receiver.url }, { allowedHosts: [] })).toMatchObject({ ok: false, error: expect.stringContaining('https obligatoire') });
    expect(receiver.requests).toEqual([]);
    expect(await deliverWebhook({ ...delivery, url: receiver.url }, { allowedHosts: ['127.0.0.1'] })).toEqual({ ok: true, status: 200 });
  });
});
