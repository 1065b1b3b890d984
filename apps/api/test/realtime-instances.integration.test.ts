import { describe, expect, it } from 'vitest';
import { createDraft, createWorld, openSession, resetDatabase, setupIntegration, transmitDraft } from './helpers.js';
import { overHttp, REDIS_URL, sleep, startInstance, subscribe } from './realtime-helpers.js';

const t = setupIntegration();

const QUEUE = `subscription { urgentQueueChanged { cursor kind signalementId signalement { reference title administration { name } } } }`;
const urgent = { urgent: true, urgencyReason: 'EVIDENCE_AT_RISK' as const };

describe('plusieurs instances de l’API', () => {
  it('un événement validé par une instance atteint l’abonné d’une autre, par Redis, en moins d’une seconde', async () => {
    // Relecture de sûreté coupée : seul le signal Redis peut porter l'événement à temps.
    const a = await startInstance({ REDIS_URL, EVENT_POLL_MS: '60000' });
    const b = await startInstance({ REDIS_URL, EVENT_POLL_MS: '60000' });
    const w = overHttp(a, await createWorld(t));
    const screenOnB = subscribe(b.url, w.clerk.token, QUEUE);
    await sleep(300);
    const id = await createDraft(w.agent, w.parquet.code, urgent);
    const started = Date.now();
    const reference = await transmitDraft(w.agent, id);
    const [event] = await screenOnB.waitFor(1, 1000);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(event!.urgentQueueChanged).toMatchObject({ kind: 'ADDED', signalement: { reference } });
  });

  it('sans Redis, chaque instance rattrape quand même par sa relecture du journal', async () => {
    const a = await startInstance({ EVENT_POLL_MS: '200' });
    const b = await startInstance({ EVENT_POLL_MS: '200' });
    const w = overHttp(a, await createWorld(t));
    const screenOnB = subscribe(b.url, w.clerk.token, QUEUE);
    await sleep(300);
    const id = await createDraft(w.agent, w.parquet.code, urgent);
    await transmitDraft(w.agent, id);
    expect((await screenOnB.waitFor(1, 2000))[0]!.urgentQueueChanged.kind).toBe('ADDED');
  });

  it('l’escalade d’un urgent non enregistré part une fois par délai, pas une fois par instance', async () => {
    const escalation = { REDIS_URL, ESCALATION_DELAY_MINUTES: String(1.2 / 60), ESCALATION_CHECK_SECONDS: '0.1' };
    const a = await startInstance(escalation);
    const b = await startInstance(escalation);
    const w = overHttp(a, await createWorld(t));
    const screen = subscribe(b.url, w.clerk.token, QUEUE);
    await sleep(300);
    const id = await createDraft(w.agent, w.parquet.code, urgent);
    await transmitDraft(w.agent, id);
    // Premier délai (1,2 s) passé, second pas encore : une seule alerte, quelle que soit l'instance.
    await sleep(1800);
    const escalated = await t.prisma.auditEvent.count({ where: { action: 'SIGNALEMENT_ESCALATED' } });
    expect(escalated).toBe(1);
    expect(screen.events.map((e) => e.urgentQueueChanged.kind)).toEqual(['ADDED', 'ESCALATED']);
    // Une fois enregistré, plus d'alerte.
    await w.clerk.client.gql(`mutation($id: ID!) { registerSignalement(id: $id) { status } }`, { id });
    await sleep(1500);
    expect(await t.prisma.auditEvent.count({ where: { action: 'SIGNALEMENT_ESCALATED' } })).toBe(1);
    expect(screen.events.map((e) => e.urgentQueueChanged.kind)).toEqual(['ADDED', 'ESCALATED', 'REMOVED']);
  });
});

describe('coût de la diffusion', () => {
  /** Requêtes SQL de la transmission et de sa diffusion à `clerks` greffiers et `prosecutors` magistrats. */
  async function statementsFor(clerks: number, prosecutors: number) {
    const statements: string[] = [];
    const api = await startInstance({}, (sql) => statements.push(sql));
    const w = overHttp(api, await createWorld(t));
    const screens = [
      ...Array.from({ length: clerks }, () => subscribe(api.url, w.clerk.token, QUEUE)),
      ...Array.from({ length: prosecutors }, () => subscribe(api.url, w.prosecutor.token, QUEUE)),
    ];
    await sleep(500);
    const id = await createDraft(w.agent, w.parquet.code, urgent);
    await sleep(100);
    statements.length = 0;
    await transmitDraft(w.agent, id);
    await Promise.all(screens.map((screen) => screen.waitFor(1, 2000)));
    await sleep(200);
    const payloads = new Set(screens.filter((_, i) => i < clerks).map((screen) => JSON.stringify(screen.events[0])));
    await api.close();
    return { count: statements.length, distinctClerkPayloads: payloads.size };
  }

  it('le travail par événement ne croît pas avec le nombre d’écrans : 4 ou 40 écrans, mêmes requêtes', async () => {
    const few = await statementsFor(2, 2);
    await resetDatabase(t.prisma);
    const many = await statementsFor(30, 10);
    expect(many.count).toBe(few.count);
    // Tous les greffiers reçoivent exactement le même texte, sérialisé une fois.
    expect(many.distinctClerkPayloads).toBe(1);
  });
});

describe('sessions et sockets', () => {
  it('la socket d’une session qui expire se ferme (4403) à l’expiration', async () => {
    const api = await startInstance();
    const w = await createWorld(t);
    const token = await openSession(t.prisma, w.clerk.user.id, new Date(Date.now() + 1200));
    const screen = subscribe(api.url, token, QUEUE);
    await sleep(300);
    expect(screen.closed).toBeNull();
    expect(await screen.waitClosed(3000)).toMatchObject({ code: 4403, reason: 'Session expirée' });
  });
});

describe('server-sent events', () => {
  it('les mêmes abonnements passent en SSE pour les partenaires qui ne tiennent pas de WebSocket', async () => {
    const api = await startInstance();
    const w = overHttp(api, await createWorld(t));
    const controller = new AbortController();
    const response = await fetch(api.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream', authorization: `Bearer ${w.clerk.token}` },
      body: JSON.stringify({ query: QUEUE }),
      signal: controller.signal,
    });
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const reader = response.body!.getReader();
    let text = '';
    const read = (async () => {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        text += new TextDecoder().decode(value);
        if (text.includes('"ADDED"')) return;
      }
    })();
    await sleep(300);
    const id = await createDraft(w.agent, w.parquet.code, urgent);
    const reference = await transmitDraft(w.agent, id);
    await Promise.race([read, sleep(2000)]);
    controller.abort();
    expect(text).toContain('event: next');
    expect(text).toContain(reference);
  });

  it('en SSE aussi, un jeton absent est refusé', async () => {
    const api = await startInstance();
    const response = await fetch(api.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
      body: JSON.stringify({ query: QUEUE }),
    });
    const text = await response.text();
    expect(text).toContain('UNAUTHENTICATED');
  });
});

