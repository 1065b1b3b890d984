import { createPrismaClient, type PrismaClient } from '@infoparquet/db';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { afterEach } from 'vitest';
import { readEnv } from '../src/env.js';
import { startApiServer, type ApiServer } from '../src/http-server.js';
import { testDatabaseUrl } from './database.js';

/**
 * Outils des tests temps réel : de vrais serveurs sur des ports libres, de vrais clients
 * graphql-ws. Tout ce qui est ouvert est refermé après chaque test.
 */
const opened: { close(): Promise<void> | void }[] = [];

afterEach(async () => {
  while (opened.length > 0) await opened.pop()!.close();
});

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

export async function startInstance(
  overrides: Record<string, string> = {},
  onQuery?: (sql: string) => void,
): Promise<ApiServer & { prisma: PrismaClient }> {
  const prisma = createPrismaClient(testDatabaseUrl(), { maxConnections: 5, onQuery });
  const env = readEnv({ NODE_ENV: 'test', PORT: '0', HOST: '127.0.0.1', EVENT_POLL_MS: '60000', ESCALATION_CHECK_SECONDS: '3600', ...overrides });
  const api = await startApiServer(prisma, env);
  opened.push({ close: async () => { await api.close(); await prisma.$disconnect(); } });
  return Object.assign(api, { prisma });
}

export interface Received<T> {
  events: T[];
  errors: unknown[];
  closed: { code: number; reason: string } | null;
  /** Attend `count` événements (ou échoue après `timeoutMs`). */
  waitFor(count: number, timeoutMs?: number): Promise<T[]>;
  /** Attend la fermeture de la socket. */
  waitClosed(timeoutMs?: number): Promise<{ code: number; reason: string }>;
  dispose(): Promise<void>;
}

/**
 * Attend qu'une condition soit vraie (ou échoue après `timeoutMs`, en disant ce qui manquait). La
 * condition peut être une requête (asynchrone) : elle est refaite toutes les 5 ms.
 */
export async function until(check: () => boolean | Promise<boolean>, timeoutMs: number, describe: () => string): Promise<void> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > timeoutMs) throw new Error(`Délai dépassé : ${describe()}`);
    await sleep(5);
  }
}

/** Un écran abonné : une connexion graphql-ws et un abonnement, dont on collecte tout. */
export function subscribe<T = Record<string, any>>(
  httpUrl: string,
  token: string | null,
  query: string,
  variables: Record<string, unknown> = {},
): Received<T> {
  const received: Received<T> = {
    events: [],
    errors: [],
    closed: null,
    waitFor: async (count, timeoutMs = 3000) => {
      await until(() => received.events.length >= count || received.errors.length > 0, timeoutMs, () => `${received.events.length}/${count} événements, erreurs ${JSON.stringify(received.errors)}`);
      return received.events;
    },
    waitClosed: async (timeoutMs = 3000) => {
      await until(() => received.closed !== null, timeoutMs, () => 'socket toujours ouverte');
      return received.closed!;
    },
    dispose: async () => {
      unsubscribe();
      await client.dispose();
    },
  };
  const client: Client = createClient({
    url: httpUrl.replace(/^http/, 'ws'),
    webSocketImpl: WebSocket,
    lazy: false,
    retryAttempts: 0,
    // La fermeture est relevée par `closed` ; pas de trace d'erreur dans la sortie des tests.
    onNonLazyError: () => {},
    connectionParams: token ? { authorization: `Bearer ${token}` } : {},
    on: { closed: (event) => (received.closed = { code: (event as { code: number }).code, reason: (event as { reason: string }).reason }) },
  });
  const unsubscribe = client.subscribe<T>(
    { query, variables },
    {
      next: (value) => {
        if (value.errors) received.errors.push(...value.errors);
        if (value.data) received.events.push(value.data as T);
      },
      error: (error) => received.errors.push(error),
      complete: () => {},
    },
  );
  opened.push({ close: () => received.dispose() });
  return received;
}

export function sleep(ms: number) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Les mêmes utilisateurs, mais qui parlent au serveur par HTTP (comme un navigateur ou un partenaire). */
export function overHttp<W extends Record<string, unknown>>(api: { url: string }, world: W): W {
  const result: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(world)) {
    if (value && typeof value === 'object' && 'token' in value && 'client' in value) {
      const token = (value as { token: string }).token;
      result[key] = { ...value, client: httpClient(api.url, token) };
    } else {
      result[key] = value;
    }
  }
  return result as W;
}

export function httpClient(url: string, token: string | null) {
  return {
    async gql(query: string, variables?: Record<string, unknown>) {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify({ query, variables }),
      });
      return (await response.json()) as { data?: any; errors?: any[] };
    },
  };
}
