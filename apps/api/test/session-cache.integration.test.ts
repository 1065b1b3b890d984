import { listenerApplicationName, type PrismaClient } from '@infoparquet/db';
import { beforeEach, describe, expect, it } from 'vitest';
import { SESSION_CHANGED_CHANNEL, type SessionCache } from '../src/domains/auth/session-cache.js';
import type { ApiServer } from '../src/http-server.js';
import { testDatabaseUrl } from './database.js';
import { createOrganization, createUser, errorCode, openSession, setupIntegration, type GraphQLResponse } from './helpers.js';
import { httpClient, sleep, startInstance, subscribe, until } from './realtime-helpers.js';

/**
 * Les sessions gardées en mémoire par chaque instance (domains/auth/session-cache.ts) : deux vrais
 * serveurs sur la même base (DATABASE_URL, comme en production), chacun avec sa mémoire, son écoute
 * des changements et son client Prisma dont on compte les lectures de session.
 */
const t = setupIntegration();

interface Instance {
  api: ApiServer;
  sessions: SessionCache;
  /** Lectures de session en base depuis le démarrage de l'instance. */
  sessionReads(): number;
}

async function startWithSessions(): Promise<Instance> {
  let reads = 0;
  const api = await startInstance({ DATABASE_URL: testDatabaseUrl() }, (sql) => {
    if (sql.includes('FROM session s JOIN app_user')) reads += 1;
  });
  return { api, sessions: api.sessions!, sessionReads: () => reads };
}

function gql(instance: Instance, token: string | null, query: string): Promise<GraphQLResponse> {
  return httpClient(instance.api.url, token).gql(query) as Promise<GraphQLResponse>;
}

const ME = '{ me { email role } }';

const LISTENER = listenerApplicationName(SESSION_CHANGED_CHANNEL);
const listenerBackends = (prisma: PrismaClient) => prisma.$queryRaw<{ pid: number }[]>`SELECT pid FROM pg_stat_activity WHERE application_name = ${LISTENER}`;

describe('sessions gardées en mémoire par chaque instance', () => {
  let a: Instance;
  let b: Instance;
  // Deux instances neuves par test ; realtime-helpers les referme après chacun.
  beforeEach(async () => {
    a = await startWithSessions();
    b = await startWithSessions();
    await until(() => a.sessions.active && b.sessions.active, 5000, () => 'écoute des changements de sessions non établie');
  });

  async function member(role: 'AGENT' | 'MANAGER' = 'AGENT') {
    const organization = await createOrganization(t.prisma, 'ADMINISTRATION');
    const user = await createUser(t.prisma, organization.id, role);
    return { user, token: await openSession(t.prisma, user.id) };
  }

  /** Une requête sur chaque instance : la session y est vérifiée en base, puis gardée. */
  async function warm(token: string) {
    for (const instance of [a, b]) expect((await gql(instance, token, ME)).data?.me).toBeTruthy();
  }

  it('sans jeton ou avec un jeton inconnu : refusé, et rien n’est gardé', async () => {
    expect(errorCode(await gql(a, null, ME))).toBe('UNAUTHENTICATED');
    const before = a.sessionReads();
    expect(errorCode(await gql(a, 'ips_inconnu', ME))).toBe('UNAUTHENTICATED');
    expect(errorCode(await gql(a, 'ips_inconnu', ME))).toBe('UNAUTHENTICATED');
    // Un jeton inconnu est relu à chaque fois : la mémoire ne se remplit pas de jetons inventés.
    expect(a.sessionReads() - before).toBe(2);
  });

  it('une session vérifiée n’est plus relue en base à chaque requête', async () => {
    const { user, token } = await member();
    const before = a.sessionReads();
    for (let i = 0; i < 5; i += 1) expect((await gql(a, token, ME)).data?.me).toEqual({ email: user.email, role: 'AGENT' });
    expect(a.sessionReads() - before).toBe(1);
  });

  it('fermée sur une instance (logout) : refusée aussitôt sur celle-ci, et sur l’autre dès l’annonce de la base', async () => {
    const { token } = await member();
    await warm(token);
    expect((await gql(a, token, 'mutation { logout }')).data?.logout).toBe(true);
    expect(errorCode(await gql(a, token, ME))).toBe('UNAUTHENTICATED');
    await until(async () => errorCode(await gql(b, token, ME)) === 'UNAUTHENTICATED', 1000, () => 'session encore servie par l’autre instance');
  });

  it('compte désactivé, rôle changé ou session révoquée par un autre outil (SQL direct) : chaque instance l’apprend', async () => {
    const deactivated = await member();
    const promoted = await member();
    const revoked = await member();
    for (const { token } of [deactivated, promoted, revoked]) await warm(token);

    await t.prisma.$executeRaw`UPDATE app_user SET active = false WHERE id = ${deactivated.user.id}::uuid`;
    await t.prisma.$executeRaw`UPDATE app_user SET role = 'MANAGER' WHERE id = ${promoted.user.id}::uuid`;
    await t.prisma.$executeRaw`UPDATE session SET revoked_at = now() WHERE user_id = ${revoked.user.id}::uuid`;

    for (const instance of [a, b]) {
      await until(async () => errorCode(await gql(instance, deactivated.token, ME)) === 'UNAUTHENTICATED', 1000, () => 'compte désactivé encore servi');
      await until(async () => (await gql(instance, promoted.token, ME)).data?.me?.role === 'MANAGER', 1000, () => 'ancien rôle encore servi');
      await until(async () => errorCode(await gql(instance, revoked.token, ME)) === 'UNAUTHENTICATED', 1000, () => 'session révoquée encore servie');
    }
  });

  it('WebSocket : sans jeton ou jeton inconnu, refusée ; une session vérifiée ouvre et s’abonne sans relire la base ; révoquée ailleurs, plus de nouvelle socket', async () => {
    const EVENTS = 'subscription { signalementEvents { cursor } }';
    expect((await subscribe(a.api.url, null, EVENTS).waitClosed()).code).toBe(4401);
    expect((await subscribe(a.api.url, 'ips_inconnu', EVENTS).waitClosed()).code).toBe(4403);
    const { user, token } = await member();
    await warm(token);
    const before = a.sessionReads();
    const screen = subscribe(a.api.url, token, EVENTS);
    await sleep(300);
    expect(screen.closed).toBeNull();
    expect(screen.errors).toEqual([]);
    // L'ouverture (échéance de la session) et le contexte de l'abonnement : pris de la mémoire.
    expect(a.sessionReads() - before).toBe(0);
    await t.prisma.$executeRaw`UPDATE session SET revoked_at = now() WHERE user_id = ${user.id}::uuid`;
    await until(async () => errorCode(await gql(a, token, ME)) === 'UNAUTHENTICATED', 1000, () => 'session révoquée encore servie');
    expect((await subscribe(a.api.url, token, EVENTS).waitClosed()).code).toBe(4403);
  });

  it('une session expire à son heure, même gardée', async () => {
    const organization = await createOrganization(t.prisma, 'ADMINISTRATION');
    const user = await createUser(t.prisma, organization.id, 'AGENT');
    const token = await openSession(t.prisma, user.id, new Date(Date.now() + 1500));
    await warm(token);
    await sleep(1600);
    expect(errorCode(await gql(a, token, ME))).toBe('UNAUTHENTICATED');
    expect(errorCode(await gql(b, token, ME))).toBe('UNAUTHENTICATED');
  });

  it('l’écoute perdue : la mémoire ne sert plus, une révocation faite pendant la coupure s’applique aussitôt', async () => {
    const { user, token } = await member();
    await warm(token);
    // Les deux écoutes de ce test : celles du test précédent, refermées, peuvent encore y figurer un instant.
    await until(async () => (await listenerBackends(t.prisma)).length === 2, 2000, () => 'pas deux connexions d’écoute');
    // La base coupe les deux écoutes ; les notifications de la coupure sont perdues.
    await t.prisma.$executeRaw`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = ${LISTENER}`;
    await until(() => !a.sessions.active && !b.sessions.active, 2000, () => 'écoute toujours active');
    const before = b.sessionReads();
    expect((await gql(b, token, ME)).data?.me).toBeTruthy();
    expect((await gql(b, token, ME)).data?.me).toBeTruthy();
    expect(b.sessionReads() - before).toBe(2);
    await t.prisma.$executeRaw`UPDATE session SET revoked_at = now() WHERE user_id = ${user.id}::uuid`;
    expect(errorCode(await gql(a, token, ME))).toBe('UNAUTHENTICATED');
    expect(errorCode(await gql(b, token, ME))).toBe('UNAUTHENTICATED');
    // L'écoute revient seule, la mémoire repart vide : la session révoquée reste refusée.
    await until(() => a.sessions.active && b.sessions.active, 5000, () => 'écoute non rétablie');
    await until(async () => (await listenerBackends(t.prisma)).length === 2, 2000, () => 'pas deux connexions d’écoute');
    expect(errorCode(await gql(b, token, ME))).toBe('UNAUTHENTICATED');
    const other = await member();
    const reads = b.sessionReads();
    await gql(b, other.token, ME);
    await gql(b, other.token, ME);
    expect(b.sessionReads() - reads).toBe(1);
  });

  it('un jeton d’API n’est jamais gardé : sa révocation s’applique à la requête suivante', async () => {
    const { token: managerToken } = await member('MANAGER');
    const created = await gql(
      a,
      managerToken,
      `mutation { createApiToken(input: { name: "Suivi", scopes: [READ], expiresAt: "${new Date(Date.now() + 86_400_000).toISOString()}" }) { token apiToken { id } } }`,
    );
    const apiToken = created.data?.createApiToken?.token as string;
    expect(apiToken).toMatch(/^ipk_/);
    expect((await gql(b, apiToken, ME)).data?.me).toBeTruthy();
    await t.prisma.$executeRaw`UPDATE api_token SET revoked_at = now()`;
    expect(errorCode(await gql(b, apiToken, ME))).toBe('UNAUTHENTICATED');
  });
});
