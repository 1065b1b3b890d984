import { createPrismaClient, type PrismaClient } from '@infoparquet/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type App } from '../src/app.js';
import { startSessionCache, type SessionCache } from '../src/domains/auth/session-cache.js';
import { readEnv } from '../src/env.js';
import { createRealtime, type Realtime } from '../src/realtime/index.js';
import { testDatabaseUrl } from './database.js';
import { createOrganization, createUser, errorCode, openSession, setupIntegration, type GraphQLResponse } from './helpers.js';

/**
 * Les sessions gardées en mémoire par chaque instance (domains/auth/session-cache.ts) : deux
 * instances de l'application sur la même base, chacune avec sa mémoire, son écoute des changements
 * et son client Prisma dont on compte les lectures de session.
 */
const t = setupIntegration();

interface Instance {
  app: App;
  sessions: SessionCache;
  prisma: PrismaClient;
  realtime: Realtime;
  /** Lectures de session en base depuis la création de l'instance. */
  sessionReads(): number;
}

function startInstance(): Instance {
  let reads = 0;
  const prisma = createPrismaClient(testDatabaseUrl(), {
    maxConnections: 4,
    onQuery: (sql) => {
      if (sql.includes('FROM session s JOIN app_user')) reads += 1;
    },
  });
  const env = readEnv({ ...process.env, NODE_ENV: 'test' });
  const realtime = createRealtime(prisma, { pollIntervalMs: 60_000 });
  const sessions = startSessionCache(prisma, testDatabaseUrl(), { ttlMs: 60_000 });
  return { app: buildApp({ prisma, env, realtime, sessions }), sessions, prisma, realtime, sessionReads: () => reads };
}

async function gql(instance: Instance, token: string, query: string): Promise<GraphQLResponse> {
  const response = await instance.app.fetch('http://infoparquet.test/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query }),
  });
  return (await response.json()) as GraphQLResponse;
}

const ME = '{ me { email role } }';

/** Attend qu'une condition tienne, au plus `ms` millisecondes ; rend le temps qu'il a fallu. */
async function within(ms: number, condition: () => Promise<boolean> | boolean): Promise<number> {
  const start = Date.now();
  while (!(await condition())) {
    if (Date.now() - start > ms) throw new Error(`condition non remplie en ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return Date.now() - start;
}

const listenerBackends = (prisma: PrismaClient) =>
  prisma.$queryRaw<{ pid: number }[]>`SELECT pid FROM pg_stat_activity WHERE application_name = 'infoparquet-listen-session_changed'`;

describe('sessions gardées en mémoire par chaque instance', () => {
  const instances: Instance[] = [];
  let a: Instance;
  let b: Instance;
  beforeAll(async () => {
    a = startInstance();
    b = startInstance();
    instances.push(a, b);
    await within(5000, () => a.sessions.active && b.sessions.active);
  });
  afterAll(async () => {
    for (const instance of instances) {
      await instance.sessions.close();
      await instance.realtime.close();
      await instance.prisma.$disconnect();
    }
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
    const response = await a.app.fetch('http://infoparquet.test/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: ME }),
    });
    expect(errorCode((await response.json()) as GraphQLResponse)).toBe('UNAUTHENTICATED');
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
    const delay = await within(1000, async () => errorCode(await gql(b, token, ME)) === 'UNAUTHENTICATED');
    expect(delay).toBeLessThan(1000);
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
      await within(1000, async () => errorCode(await gql(instance, deactivated.token, ME)) === 'UNAUTHENTICATED');
      await within(1000, async () => (await gql(instance, promoted.token, ME)).data?.me?.role === 'MANAGER');
      await within(1000, async () => errorCode(await gql(instance, revoked.token, ME)) === 'UNAUTHENTICATED');
    }
  });

  it('une session expire à son heure, même gardée', async () => {
    const organization = await createOrganization(t.prisma, 'ADMINISTRATION');
    const user = await createUser(t.prisma, organization.id, 'AGENT');
    const token = await openSession(t.prisma, user.id, new Date(Date.now() + 1500));
    await warm(token);
    await new Promise((resolve) => setTimeout(resolve, 1600));
    expect(errorCode(await gql(a, token, ME))).toBe('UNAUTHENTICATED');
    expect(errorCode(await gql(b, token, ME))).toBe('UNAUTHENTICATED');
  });

  it('l’écoute perdue : la mémoire ne sert plus, une révocation faite pendant la coupure s’applique aussitôt', async () => {
    const { user, token } = await member();
    await warm(token);
    const backends = await listenerBackends(t.prisma);
    expect(backends).toHaveLength(2);
    // La base coupe les deux écoutes ; les notifications de la coupure sont perdues.
    await t.prisma.$executeRaw`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'infoparquet-listen-session_changed'`;
    await within(2000, () => !a.sessions.active && !b.sessions.active);
    const before = b.sessionReads();
    expect((await gql(b, token, ME)).data?.me).toBeTruthy();
    expect((await gql(b, token, ME)).data?.me).toBeTruthy();
    expect(b.sessionReads() - before).toBe(2);
    await t.prisma.$executeRaw`UPDATE session SET revoked_at = now() WHERE user_id = ${user.id}::uuid`;
    expect(errorCode(await gql(a, token, ME))).toBe('UNAUTHENTICATED');
    expect(errorCode(await gql(b, token, ME))).toBe('UNAUTHENTICATED');
    // L'écoute revient seule, la mémoire repart vide : la session révoquée reste refusée.
    await within(5000, () => a.sessions.active && b.sessions.active);
    expect(await listenerBackends(t.prisma)).toHaveLength(2);
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
