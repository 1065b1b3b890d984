import { describe, expect, it } from 'vitest';
import { createDraft, createWorld, errorCode, setupIntegration, transmitDraft } from './helpers.js';
import { overHttp, startInstance, subscribe, sleep } from './realtime-helpers.js';

const t = setupIntegration();

const QUEUE = `subscription($after: String) { urgentQueueChanged(after: $after) { cursor kind signalementId at signalement { reference title urgencyReason status } } }`;
const EVENTS = `subscription($id: ID, $after: String) { signalementEvents(signalementId: $id, after: $after) { cursor kind signalementId fromStatus toStatus actor { displayName } signalement { reference status } } }`;
const REGISTER = `mutation($id: ID!) { registerSignalement(id: $id) { status } }`;

async function urgentDraft(actor: Parameters<typeof createDraft>[0], parquetCode: string) {
  return createDraft(actor, parquetCode, { urgent: true, urgencyReason: 'DANGER_TO_PERSONS' });
}

describe('file d’urgence en direct', () => {
  it('un urgent apparaît en moins d’une seconde sur chaque écran du parquet, et en sort quand un autre l’enregistre', async () => {
    const api = await startInstance();
    const w = overHttp(api, await createWorld(t));
    const clerkScreen = subscribe(api.url, w.clerk.token, QUEUE);
    const headScreen = subscribe(api.url, w.head.token, QUEUE);
    const otherParquetScreen = subscribe(api.url, w.otherClerk.token, QUEUE);
    await sleep(200);

    const id = await urgentDraft(w.agent, w.parquet.code);
    const startedAt = Date.now();
    const reference = await transmitDraft(w.agent, id);
    const [added] = await clerkScreen.waitFor(1, 1000);
    expect(Date.now() - startedAt).toBeLessThan(1000);
    expect(added!.urgentQueueChanged).toMatchObject({ kind: 'ADDED', signalementId: id, signalement: { reference, status: 'TRANSMITTED', urgencyReason: 'DANGER_TO_PERSONS' } });
    await headScreen.waitFor(1, 1000);

    await w.prosecutor.client.gql(REGISTER, { id });
    const events = await clerkScreen.waitFor(2, 1000);
    expect(events[1]!.urgentQueueChanged).toMatchObject({ kind: 'REMOVED', signalementId: id, signalement: { status: 'REGISTERED' } });
    expect((await headScreen.waitFor(2, 1000)).map((e) => e.urgentQueueChanged.kind)).toEqual(['ADDED', 'REMOVED']);

    // L'autre parquet n'a rien reçu ; une administration ne peut pas s'abonner à la file.
    expect(otherParquetScreen.events).toEqual([]);
    const adminScreen = subscribe(api.url, w.agent.token, QUEUE);
    await adminScreen.waitFor(1, 1000).catch(() => undefined);
    expect(adminScreen.events).toEqual([]);
    expect(adminScreen.errors).toMatchObject([{ extensions: { code: 'FORBIDDEN' } }]);
  });

  it('un transfert retire l’urgent d’un parquet et l’ajoute à l’autre ; lever l’urgence le retire', async () => {
    const api = await startInstance();
    const w = overHttp(api, await createWorld(t));
    const here = subscribe(api.url, w.clerk.token, QUEUE);
    const there = subscribe(api.url, w.otherClerk.token, QUEUE);
    await sleep(200);
    const id = await urgentDraft(w.agent, w.parquet.code);
    await transmitDraft(w.agent, id);
    await here.waitFor(1);
    await w.clerk.client.gql(`mutation($id: ID!, $p: String!) { transferSignalement(id: $id, parquetCode: $p, reason: "Compétence territoriale") { status } }`, { id, p: w.otherParquet.code });
    const removed = (await here.waitFor(2))[1]!.urgentQueueChanged;
    expect(removed).toMatchObject({ kind: 'REMOVED', signalementId: id, signalement: null });
    expect((await there.waitFor(1))[0]!.urgentQueueChanged).toMatchObject({ kind: 'ADDED', signalementId: id });
    await w.otherProsecutor.client.gql(`mutation($id: ID!) { setUrgency(id: $id, urgent: false) { urgent } }`, { id });
    expect((await there.waitFor(2))[1]!.urgentQueueChanged.kind).toBe('REMOVED');
  });

  it('dix urgents transmis en même temps : chaque écran les reçoit tous, une fois chacun, dans l’ordre du journal', async () => {
    const api = await startInstance();
    const w = overHttp(api, await createWorld(t));
    const screens = [w.clerk, w.head, w.prosecutor].map((member) => subscribe(api.url, member.token, QUEUE));
    await sleep(200);
    const ids = await Promise.all(Array.from({ length: 10 }, () => urgentDraft(w.agent, w.parquet.code)));
    const references = await Promise.all(ids.map((id) => transmitDraft(w.agent, id)));
    for (const screen of screens) {
      const events = (await screen.waitFor(10, 3000)).map((event) => event.urgentQueueChanged);
      expect(events.map((event) => event.kind)).toEqual(Array(10).fill('ADDED'));
      expect(new Set(events.map((event) => event.signalement.reference))).toEqual(new Set(references));
      const cursors = events.map((event) => BigInt(event.cursor));
      expect(cursors).toEqual([...cursors].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
      expect(new Set(cursors).size).toBe(10);
    }
    // Les trois écrans ont reçu la même suite.
    expect(screens[1]!.events).toEqual(screens[0]!.events);
    expect(screens[2]!.events).toEqual(screens[0]!.events);
  });
});

describe('changements de statut en direct', () => {
  it('une administration reçoit chaque changement de ses signalements, jamais ceux d’une autre', async () => {
    const api = await startInstance();
    const w = overHttp(api, await createWorld(t));
    const agentScreen = subscribe(api.url, w.agent.token, EVENTS);
    const otherAdministration = subscribe(api.url, w.otherAgent.token, EVENTS);
    await sleep(200);

    const id = await createDraft(w.agent, w.parquet.code);
    await transmitDraft(w.agent, id);
    await w.clerk.client.gql(REGISTER, { id });
    await w.prosecutor.client.gql(`mutation($id: ID!) { decideSignalement(id: $id, input: { kind: PROSECUTION, reasons: "Citation directe." }) { status } }`, { id });
    const events = await agentScreen.waitFor(4);
    expect(events.map((e) => [e.signalementEvents.kind, e.signalementEvents.fromStatus, e.signalementEvents.toStatus])).toEqual([
      ['CREATED', null, 'DRAFT'],
      ['TRANSMITTED', 'DRAFT', 'TRANSMITTED'],
      ['REGISTERED', 'TRANSMITTED', 'REGISTERED'],
      ['DECIDED', 'REGISTERED', 'DECIDED'],
    ]);
    expect(events[3]!.signalementEvents.signalement).toMatchObject({ status: 'DECIDED' });
    // Les curseurs croissent dans l'ordre du journal.
    const cursors = events.map((e) => BigInt(e.signalementEvents.cursor));
    expect([...cursors].sort((a, b) => (a < b ? -1 : 1))).toEqual(cursors);
    await sleep(100);
    expect(otherAdministration.events).toEqual([]);
  });

  it('un abonnement à un signalement d’une autre organisation répond comme un identifiant inconnu', async () => {
    const api = await startInstance();
    const w = overHttp(api, await createWorld(t));
    const id = await createDraft(w.agent, w.parquet.code);
    const intruder = subscribe(api.url, w.otherAgent.token, EVENTS, { id });
    await intruder.waitFor(1).catch(() => undefined);
    expect(intruder.errors).toMatchObject([{ message: 'Signalement introuvable.', extensions: { code: 'NOT_FOUND' } }]);
  });
});

describe('authentification des WebSockets', () => {
  it('sans jeton : fermée en 4401 ; jeton inconnu : 4403 ; session fermée pendant la connexion : 4403', async () => {
    const api = await startInstance();
    const w = overHttp(api, await createWorld(t));
    expect(await subscribe(api.url, null, QUEUE).waitClosed()).toMatchObject({ code: 4401 });
    expect(await subscribe(api.url, 'ips_inconnu', QUEUE).waitClosed()).toMatchObject({ code: 4403 });

    const screen = subscribe(api.url, w.clerk.token, QUEUE);
    await sleep(200);
    expect(screen.closed).toBeNull();
    expect((await w.clerk.client.gql(`mutation { logout }`)).data).toEqual({ logout: true });
    expect(await screen.waitClosed()).toMatchObject({ code: 4403, reason: 'Session terminée' });
    expect(errorCode(await w.clerk.client.gql(`{ me { id } }`))).toBe('UNAUTHENTICATED');
  });
});

describe('reprise après déconnexion', () => {
  it('un écran déconnecté pendant 50 changements les reçoit tous, dans l’ordre, en reprenant à son curseur, puis le direct', async () => {
    const api = await startInstance();
    const w = overHttp(api, await createWorld(t));
    const first = subscribe(api.url, w.agent.token, EVENTS);
    await sleep(200);
    const seed = await createDraft(w.agent, w.parquet.code);
    const [created] = await first.waitFor(1);
    const lastCursor = created!.signalementEvents.cursor as string;
    await first.dispose();

    // Pendant la coupure : 25 brouillons créés puis transmis, soit 50 changements.
    const expected: string[] = [];
    for (let i = 0; i < 25; i += 1) {
      const id = await createDraft(w.agent, w.parquet.code, { title: `Signalement ${i}` });
      expected.push(`CREATED:${id}`);
      await transmitDraft(w.agent, id);
      expected.push(`TRANSMITTED:${id}`);
    }
    // Du bruit que l'écran ne doit pas voir : une autre administration travaille aussi.
    await createDraft(w.otherAgent, w.parquet.code);

    const resumed = subscribe(api.url, w.agent.token, EVENTS, { after: lastCursor });
    const replayed = await resumed.waitFor(50, 5000);
    await sleep(200);
    expect(replayed.map((e) => `${e.signalementEvents.kind}:${e.signalementEvents.signalementId}`)).toEqual(expected);

    await transmitDraft(w.agent, seed);
    const all = await resumed.waitFor(51);
    expect(all).toHaveLength(51);
    expect(all[50]!.signalementEvents).toMatchObject({ kind: 'TRANSMITTED', signalementId: seed });
  });

  it('la couture entre rattrapage et direct est sans trou ni doublon, même quand on écrit pendant le rattrapage', async () => {
    const api = await startInstance();
    const w = overHttp(api, await createWorld(t));
    const ids: string[] = [];
    for (let i = 0; i < 20; i += 1) ids.push(await createDraft(w.agent, w.parquet.code));
    const resumed = subscribe(api.url, w.agent.token, EVENTS, { after: '0' });
    // Des transmissions partent pendant que l'écran rattrape les 20 créations.
    await Promise.all(ids.slice(0, 10).map((id) => transmitDraft(w.agent, id)));
    const events = await resumed.waitFor(30, 5000);
    await sleep(300);
    expect(resumed.events).toHaveLength(30);
    const cursors = events.map((e) => BigInt(e.signalementEvents.cursor));
    expect(new Set(cursors).size).toBe(30);
    expect([...cursors].sort((a, b) => (a < b ? -1 : 1))).toEqual(cursors);
  });
});

describe('opérations par WebSocket et journal chaîné', () => {
  it('une consultation ou une mutation faite par WebSocket est au journal chaîné dès sa réponse, comme en HTTP', async () => {
    // Relecture de sûreté à 60 s (startInstance) : seul le versement de l'opération peut chaîner à temps.
    const api = await startInstance();
    const w = overHttp(api, await createWorld(t));
    const id = await createDraft(w.agent, w.parquet.code);
    const reference = await transmitDraft(w.agent, id);
    const chained = (action: string, actorId: string) => t.prisma.auditEvent.count({ where: { action, actorId } });

    const viewed = subscribe(api.url, w.clerk.token, `query($id: ID!) { signalement(id: $id) { reference } }`, { id });
    expect((await viewed.waitFor(1))[0]).toEqual({ signalement: { reference } });
    expect(await chained('SIGNALEMENT_VIEWED', w.clerk.user.id)).toBe(1);

    const registered = subscribe(api.url, w.clerk.token, REGISTER, { id });
    expect((await registered.waitFor(1))[0]).toEqual({ registerSignalement: { status: 'REGISTERED' } });
    expect(await chained('SIGNALEMENT_REGISTERED', w.clerk.user.id)).toBe(1);
  });
});
