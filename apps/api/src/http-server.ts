import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { PrismaClient } from '@infoparquet/db';
import { buildApp, type App } from './app.js';
import { createDocumentRoutes } from './domains/documents/http.js';
import type { Env } from './env.js';
import { startEscalation } from './realtime/escalation.js';
import { createRealtime, type Realtime } from './realtime/index.js';
import { attachWebSockets } from './realtime/websocket.js';

export interface ApiServer {
  server: Server;
  app: App;
  realtime: Realtime;
  /** http://hôte:port/graphql */
  url: string;
  port: number;
  close(): Promise<void>;
}

/**
 * Une instance de l'API : HTTP (GraphQL, GraphiQL, server-sent events, documents PDF) et WebSocket sur le même
 * port et le même chemin, diffuseur temps réel et escalade des urgents. `PORT=0` choisit un port libre.
 */
export async function startApiServer(prisma: PrismaClient, env: Env): Promise<ApiServer> {
  const realtime = createRealtime(prisma, { redisUrl: env.REDIS_URL, pollIntervalMs: env.EVENT_POLL_MS });
  await realtime.hub.start();
  const app = buildApp({ prisma, env, realtime });
  // Les documents (PDF) hors GraphQL, tout le reste à Yoga.
  const routeDocuments = createDocumentRoutes({ prisma, env, realtime });
  const server = createServer((req, res) => {
    if (!routeDocuments(req, res)) void app(req, res);
  });
  const sockets = attachWebSockets(server, app, { prisma, realtime, webOrigins: env.WEB_ORIGINS });
  const escalation = startEscalation(prisma, {
    delayMs: env.ESCALATION_DELAY_MINUTES * 60_000,
    intervalMs: env.ESCALATION_CHECK_SECONDS * 1000,
    onEscalated: () => realtime.journalAdvanced(),
  });
  await new Promise<void>((resolve) => server.listen(env.PORT, env.HOST, resolve));
  const { port } = server.address() as AddressInfo;
  let closing: Promise<void> | undefined;
  return {
    server,
    app,
    realtime,
    url: `http://${env.HOST}:${port}/graphql`,
    port,
    close() {
      closing ??= (async () => {
        await escalation.stop();
        await sockets.close();
        await realtime.close();
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
      })();
      return closing;
    },
  };
}
