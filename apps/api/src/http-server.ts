import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { PrismaClient } from '@infoparquet/db';
import { buildApp, type App } from './app.js';
import { startSessionCache, type SessionCache } from './domains/auth/session-cache.js';
import { createDocumentRoutes } from './domains/documents/http.js';
import { createPieceRoutes } from './domains/pieces/http.js';
import { startAbandonedWriteSweeper } from './domains/pieces/storage.js';
import { notificationsEnabled, startNotifications, type Notifications } from './domains/notifications/index.js';
import { createDevEmailRoutes } from './domains/notifications/dev-page.js';
import { startWebhooks, webhooksEnabled, type Webhooks } from './domains/webhooks/index.js';
import { sealStoredWebhookSecrets, webhookSecretBox } from './domains/webhooks/secret-box.js';
import type { Env } from './env.js';
import { startEscalation } from './realtime/escalation.js';
import { createRealtime, type Realtime } from './realtime/index.js';
import { attachWebSockets } from './realtime/websocket.js';
import { admitAddress, rateLimitSettings, startRateLimits } from './security/rate-limit.js';

export interface ApiServer {
  server: Server;
  app: App;
  realtime: Realtime;
  /** Courriels (notificateur, récapitulatif, expéditeur) ; `null` quand ils sont coupés (EMAIL_NOTIFICATIONS). */
  notifications: Notifications | null;
  /** Webhooks (répartiteur et expéditeur) ; `null` quand ils sont coupés (WEBHOOK_DELIVERIES). */
  webhooks: Webhooks | null;
  /** Sessions gardées en mémoire ; `null` sans DATABASE_URL ou avec SESSION_CACHE_SECONDS=0. */
  sessions: SessionCache | null;
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
  // Les secrets de webhooks encore en clair, ou chiffrés avec la clé précédente, le sont avec la clé courante.
  const secrets = await sealStoredWebhookSecrets(prisma, webhookSecretBox(env));
  if (secrets.sealed > 0) console.info(`[webhooks] ${secrets.sealed} secret(s) chiffré(s) avec la clé courante`);
  if (secrets.unreadable > 0) {
    console.warn(`[webhooks] ${secrets.unreadable} secret(s) illisible(s) avec WEBHOOK_SECRET_KEY et WEBHOOK_SECRET_KEY_PREVIOUS : leurs livraisons échoueront`);
  }
  const realtime = createRealtime(prisma, { redisUrl: env.REDIS_URL, pollIntervalMs: env.EVENT_POLL_MS });
  await realtime.hub.start();
  // Limites de débit (par adresse ici, par utilisateur dans Yoga), partagées par Redis s'il est configuré.
  const rateLimits = await startRateLimits(rateLimitSettings(env));
  // Les sessions vérifiées, gardées en mémoire ; il faut une connexion à elle pour écouter leurs changements.
  const sessions = env.DATABASE_URL && env.SESSION_CACHE_SECONDS > 0 ? startSessionCache(prisma, env.DATABASE_URL, { ttlMs: env.SESSION_CACHE_SECONDS * 1000 }) : null;
  const app = buildApp({ prisma, env, realtime, rateLimits, sessions });
  // Les documents (PDF) hors GraphQL, tout le reste à Yoga.
  const routeDocuments = createDocumentRoutes({ prisma, env, realtime, sessions });
  // Les pièces jointes (envoi et téléchargement en flux), avant les documents : mêmes préfixes.
  const routePieces = createPieceRoutes({ prisma, env, realtime, sessions });
  // La page de développement des courriels (/dev/emails), 404 en production ou avec SMTP_URL.
  const routeDevEmails = createDevEmailRoutes(env);
  const dispatch = (req: IncomingMessage, res: ServerResponse) => {
    if (!routePieces(req, res) && !routeDocuments(req, res) && !routeDevEmails(req, res)) void app(req, res);
  };
  // La limite par adresse passe avant toute route (security/rate-limit.ts).
  const server = createServer(
    rateLimits
      ? (req, res) => {
          void admitAddress(rateLimits, req, res).then((admitted) => {
            if (admitted) dispatch(req, res);
          });
        }
      : dispatch,
  );
  const sockets = attachWebSockets(server, app, { prisma, realtime, webOrigins: env.WEB_ORIGINS, trustProxy: env.TRUST_PROXY, rateLimits, sessions });
  const escalation = startEscalation(prisma, {
    delayMs: env.ESCALATION_DELAY_MINUTES * 60_000,
    intervalMs: env.ESCALATION_CHECK_SECONDS * 1000,
    onEscalated: () => realtime.journalAdvanced(),
  });
  const notifications = notificationsEnabled(env) ? startNotifications(prisma, env, realtime) : null;
  const webhooks = webhooksEnabled(env) ? startWebhooks(prisma, env, realtime) : null;
  const sweeper = startAbandonedWriteSweeper(env);
  await new Promise<void>((resolve) => server.listen(env.PORT, env.HOST, resolve));
  const { port } = server.address() as AddressInfo;
  let closing: Promise<void> | undefined;
  return {
    server,
    app,
    realtime,
    notifications,
    webhooks,
    sessions,
    url: `http://${env.HOST}:${port}/graphql`,
    port,
    close() {
      closing ??= (async () => {
        clearInterval(sweeper);
        await escalation.stop();
        await notifications?.stop();
        await webhooks?.stop();
        await sockets.close();
        await realtime.close();
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
        await rateLimits?.close();
        await sessions?.close();
      })();
      return closing;
    },
  };
}
