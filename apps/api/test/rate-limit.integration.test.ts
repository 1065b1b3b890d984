import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it, vi } from 'vitest';
import type { Viewer } from '../src/domains/auth/sessions.js';
import { readEnv } from '../src/env.js';
import { rateLimitSettings, rateLimitSubjects, startRateLimits } from '../src/security/rate-limit.js';
import { createWorld, setupIntegration } from './helpers.js';
import { REDIS_URL, startInstance, subscribe, until } from './realtime-helpers.js';

/**
 * Limites de débit : par adresse (toute requête HTTP) et par utilisateur (toute opération GraphQL),
 * comptées ensemble par toutes les instances qui partagent Redis, annoncées par les en-têtes
 * RateLimit, refusées au-delà par 429 et RATE_LIMITED.
 */
const t = setupIntegration();

// Des compteurs propres à ce lancement (et à chaque test) : deux lancements en parallèle ne se gênent pas.
const RUN_PREFIX = `infoparquet-test:debit:${randomUUID()}`;
let testNumber = 0;
const newPrefix = () => `${RUN_PREFIX}:${(testNumber += 1)}`;

afterAll(async () => {
  const redis = new Redis(REDIS_URL);
  const keys = await redis.keys(`${RUN_PREFIX}:*`);
  if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
});

/** Deux instances qui partagent Redis et ces limites. */
async function twoInstances(limits: Record<string, string>) {
  const shared = { REDIS_URL, RATE_LIMIT_KEY_PREFIX: newPrefix(), ...limits };
  return [await startInstance(shared), await startInstance(shared)] as const;
}

async function graphql(url: string, query: string, headers: Record<string, string> = {}) {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query }) });
  return { status: response.status, headers: response.headers, body: (await response.json()) as { data?: any; errors?: any[] } };
}

describe('limite par adresse IP', () => {
  it('deux instances comptent ensemble : les en-têtes décroissent, la 7e requête reçoit 429 RATE_LIMITED avec Retry-After, sur toutes les routes et en WebSocket', async () => {
    const [a, b] = await twoInstances({ RATE_LIMIT_PER_MINUTE_IP: '6' });
    for (let i = 0; i < 6; i += 1) {
      const r = await graphql((i % 2 === 0 ? a : b).url, '{ __typename }');
      expect(r.status, `requête ${i + 1}`).toBe(200);
      expect(r.body.data).toEqual({ __typename: 'Query' });
      expect(r.headers.get('ratelimit-policy')).toBe('"ip";q=6;w=60');
      expect(r.headers.get('ratelimit')).toMatch(new RegExp(`^"ip";r=${5 - i};t=\\d+$`));
      expect(r.headers.get('ratelimit-limit')).toBe('6');
      expect(r.headers.get('ratelimit-remaining')).toBe(String(5 - i));
      expect(Number(r.headers.get('ratelimit-reset'))).toBeGreaterThan(0);
      expect(Number(r.headers.get('ratelimit-reset'))).toBeLessThanOrEqual(60);
      expect(r.headers.get('retry-after')).toBeNull();
    }
    for (const instance of [a, b]) {
      const refused = await graphql(instance.url, '{ __typename }');
      expect(refused.status).toBe(429);
      const retryAfter = Number(refused.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(60);
      expect(refused.headers.get('ratelimit-remaining')).toBe('0');
      expect(refused.body).toEqual({
        errors: [{ message: `Trop de requêtes : 6 par minute au plus. Réessayez dans ${retryAfter} s.`, extensions: { code: 'RATE_LIMITED', retryAfter } }],
      });
    }
    // Les routes hors GraphQL (documents, pièces) sont comptées de même.
    const document = await fetch(`${b.url.replace(/\/graphql$/, '')}/documents/inexistant`);
    expect(document.status).toBe(429);
    expect(((await document.json()) as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions.code).toBe('RATE_LIMITED');
    // L'ouverture d'une WebSocket aussi : fermée par 1013 (« réessayez plus tard »), avant toute lecture du jeton.
    const screen = subscribe(a.url, 'ips_jeton-quelconque', '{ __typename }');
    const closed = await screen.waitClosed();
    expect(closed.code).toBe(1013);
    expect(closed.reason).toMatch(/^Trop de requêtes : réessayez dans \d+ s$/);
  });

  it('derrière un mandataire de confiance (TRUST_PROXY=1), chaque client compte pour lui, d’après l’entrée de X-Forwarded-For du mandataire', async () => {
    const [proxied] = await twoInstances({ RATE_LIMIT_PER_MINUTE_IP: '2', TRUST_PROXY: '1' });
    const from = (forwardedFor: string) => graphql(proxied.url, '{ __typename }', { 'x-forwarded-for': forwardedFor });
    expect((await from('203.0.113.7')).status).toBe(200);
    expect((await from('203.0.113.7')).status).toBe(200);
    expect((await from('203.0.113.7')).status).toBe(429);
    // Un autre client derrière le même mandataire n'est pas gêné…
    expect((await from('203.0.113.8')).status).toBe(200);
    // … et une adresse forgée par le client (à gauche de celle du mandataire) ne change rien.
    expect((await from('198.51.100.1, 203.0.113.7')).status).toBe(429);

    // Sans TRUST_PROXY, l'en-tête est ignoré : c'est l'adresse de la connexion qui compte.
    const [direct] = await twoInstances({ RATE_LIMIT_PER_MINUTE_IP: '2' });
    expect((await graphql(direct.url, '{ __typename }', { 'x-forwarded-for': '203.0.113.1' })).status).toBe(200);
    expect((await graphql(direct.url, '{ __typename }', { 'x-forwarded-for': '203.0.113.2' })).status).toBe(200);
    expect((await graphql(direct.url, '{ __typename }', { 'x-forwarded-for': '203.0.113.3' })).status).toBe(429);
  });

  it('Redis indisponible : les compteurs passent en mémoire, la limite tient (pour l’instance seule)', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const limits = await startRateLimits({ perWindow: { ip: 2 }, windowSeconds: 60, redisUrl: 'redis://127.0.0.1:1', keyPrefix: newPrefix(), trustProxy: 0 });
    try {
      const consume = () => limits!.consume({ kind: 'ip', id: '192.0.2.1' });
      expect(await consume()).toMatchObject({ allowed: true, remaining: 1 });
      expect(await consume()).toMatchObject({ allowed: true, remaining: 0 });
      expect(await consume()).toMatchObject({ allowed: false, remaining: 0 });
      expect(warn.mock.calls.some(([message]) => String(message).includes('[limites de débit] Redis indisponible'))).toBe(true);
    } finally {
      await limits!.close();
      warn.mockRestore();
    }
  });
});

describe('limite par utilisateur', () => {
  it('indépendante de l’adresse : un agent épuise la sienne sur deux instances, un collègue à la même adresse continue ; en WebSocket aussi', async () => {
    const [a, b] = await twoInstances({ RATE_LIMIT_PER_MINUTE_IP: '1000', RATE_LIMIT_PER_MINUTE_USER: '3' });
    const w = await createWorld(t);
    const asAgent = { authorization: `Bearer ${w.agent.token}` };
    for (let i = 0; i < 3; i += 1) {
      const r = await graphql((i % 2 === 0 ? a : b).url, '{ me { email } }', asAgent);
      expect(r.status, `requête ${i + 1}`).toBe(200);
      expect(r.body.data?.me.email).toMatch(/@test\.infoparquet$/);
      expect(r.headers.get('ratelimit-policy')).toBe('"ip";q=1000;w=60, "user";q=3;w=60');
      expect(r.headers.get('ratelimit')).toMatch(new RegExp(`^"ip";r=${999 - i};t=\\d+, "user";r=${2 - i};t=\\d+$`));
      // Le trio hérité des brouillons antérieurs décrit la limite la plus proche d'être atteinte.
      expect(r.headers.get('ratelimit-limit')).toBe('3');
      expect(r.headers.get('ratelimit-remaining')).toBe(String(2 - i));
    }
    const refused = await graphql(b.url, '{ me { email } }', asAgent);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(refused.body.data).toBeUndefined();
    expect(refused.body.errors).toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: 'RATE_LIMITED' }) })]);
    expect(refused.body.errors?.[0]?.message).toMatch(/^Trop de requêtes : 3 par minute au plus\. Réessayez dans \d+ s\.$/);

    // Même adresse, autre utilisateur : la limite par adresse n'est pas atteinte, la sienne non plus.
    const colleague = await graphql(a.url, '{ me { email } }', { authorization: `Bearer ${w.manager.token}` });
    expect(colleague.status).toBe(200);
    expect(colleague.headers.get('ratelimit-remaining')).toBe('2');
    // Sans session, seule la limite par adresse compte.
    expect((await graphql(a.url, '{ __typename }')).status).toBe(200);

    // En WebSocket, l'opération de l'agent reçoit l'erreur ; la socket reste ouverte.
    const screen = subscribe(b.url, w.agent.token, '{ me { email } }');
    await until(() => screen.errors.length > 0 || screen.events.length > 0, 3000, () => 'aucune réponse en WebSocket');
    expect(screen.events).toEqual([]);
    expect(screen.errors.flat()).toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: 'RATE_LIMITED' }) })]);
    expect(screen.closed).toBeNull();
  });
});

describe('configuration', () => {
  it('par défaut 1200 / 600 / 1200 par minute ; aucune sous NODE_ENV=test sauf configurée ; 0 coupe une limite', () => {
    expect(rateLimitSettings(readEnv({ NODE_ENV: 'production' })).perWindow).toEqual({ ip: 1200, user: 600, token: 1200 });
    expect(rateLimitSettings(readEnv({ NODE_ENV: 'test' })).perWindow).toEqual({});
    expect(rateLimitSettings(readEnv({ NODE_ENV: 'test', RATE_LIMIT_PER_MINUTE_USER: '5' })).perWindow).toEqual({ user: 5 });
    expect(rateLimitSettings(readEnv({ NODE_ENV: 'production', RATE_LIMIT_PER_MINUTE_IP: '0' })).perWindow).toEqual({ user: 600, token: 1200 });
  });

  it('l’application des tests en mémoire n’est pas limitée : aucun en-tête RateLimit', async () => {
    const response = await t.app.fetch('http://infoparquet.test/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"query":"{ __typename }"}',
    });
    expect(response.status).toBe(200);
    expect([...response.headers.keys()].filter((name) => name.startsWith('ratelimit'))).toEqual([]);
  });

  it('une requête faite avec un jeton d’API est comptée sur le jeton, pas sur la personne qui l’a créé', () => {
    const viewer: Viewer = { userId: 'u1', sessionId: 's1', role: 'AGENT', organizationId: 'o1', organizationKind: 'ADMINISTRATION', organizationCode: 'ADM' };
    expect(rateLimitSubjects(null)).toEqual([]);
    expect(rateLimitSubjects(viewer)).toEqual([{ kind: 'user', id: 'u1' }]);
    expect(rateLimitSubjects({ ...viewer, apiToken: { id: 'jeton-1' } } as Viewer)).toEqual([{ kind: 'token', id: 'jeton-1' }]);
  });
});
