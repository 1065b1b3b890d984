import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Plugin } from 'graphql-yoga';
import { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { Context } from '../context.js';
import type { Viewer } from '../domains/auth/sessions.js';
import type { Env } from '../env.js';
import { errorBody, RateLimitedError } from './errors.js';
import { DEFAULT_RATE_LIMITS, RATE_LIMIT_WINDOW_SECONDS } from './limits.js';

/**
 * Limites de débit : par adresse IP (toute requête HTTP), par utilisateur (toute opération
 * GraphQL d'une session, en HTTP comme en WebSocket) et par jeton d'API (à venir). Compteurs à
 * fenêtre fixe d'une minute, partagés par toutes les instances par Redis quand REDIS_URL est
 * défini (si Redis tombe, chaque instance compte seule en mémoire le temps de la panne).
 *
 * Les réponses HTTP portent les en-têtes du brouillon IETF draft-ietf-httpapi-ratelimit-headers-09
 * (`RateLimit-Policy` et `RateLimit`, une entrée par limite appliquée) et, pour les clients qui
 * ne connaissent que les versions antérieures (jusqu'à -06), le trio `RateLimit-Limit`,
 * `RateLimit-Remaining`, `RateLimit-Reset` de la limite la plus proche d'être atteinte. Au-delà :
 * HTTP 429, `Retry-After` et une erreur RATE_LIMITED.
 */
export type RateLimitKind = 'ip' | 'user' | 'token';

export interface RateLimitSubject {
  kind: RateLimitKind;
  id: string;
}

export interface RateLimitOutcome {
  kind: RateLimitKind;
  /** Requêtes permises par fenêtre. */
  limit: number;
  /** Requêtes qui restent dans la fenêtre en cours. */
  remaining: number;
  /** Secondes avant la fin de la fenêtre en cours. */
  resetSeconds: number;
  allowed: boolean;
}

export interface RateLimitSettings {
  /** Requêtes par fenêtre pour chaque sorte de limite ; absente : pas de limite de cette sorte. */
  perWindow: Partial<Record<RateLimitKind, number>>;
  windowSeconds: number;
  redisUrl?: string;
  keyPrefix: string;
  /** Nombre de mandataires (reverse proxies) de confiance devant l'API (X-Forwarded-For). */
  trustProxy: number;
}

export interface RateLimits {
  settings: RateLimitSettings;
  consume(subject: RateLimitSubject): Promise<RateLimitOutcome | null>;
  close(): Promise<void>;
}

/**
 * Les limites configurées : RATE_LIMIT_PER_MINUTE_IP / _USER / _TOKEN (0 les coupe), sinon les
 * valeurs par défaut de limits.ts, sauf sous NODE_ENV=test où seules les limites configurées
 * s'appliquent (les suites de tests envoient des centaines de requêtes depuis une seule adresse).
 */
export function rateLimitSettings(env: Env): RateLimitSettings {
  const configured: Record<RateLimitKind, number | undefined> = {
    ip: env.RATE_LIMIT_PER_MINUTE_IP,
    user: env.RATE_LIMIT_PER_MINUTE_USER,
    token: env.RATE_LIMIT_PER_MINUTE_TOKEN,
  };
  const perWindow: Partial<Record<RateLimitKind, number>> = {};
  for (const kind of ['ip', 'user', 'token'] as const) {
    const points = configured[kind] ?? (env.NODE_ENV === 'test' ? 0 : DEFAULT_RATE_LIMITS[kind]);
    if (points > 0) perWindow[kind] = points;
  }
  return {
    perWindow,
    windowSeconds: RATE_LIMIT_WINDOW_SECONDS,
    redisUrl: env.REDIS_URL,
    keyPrefix: env.RATE_LIMIT_KEY_PREFIX,
    trustProxy: env.TRUST_PROXY,
  };
}

/** Démarre les compteurs (et leur connexion Redis) ; `null` quand aucune limite n'est configurée. */
export async function startRateLimits(settings: RateLimitSettings): Promise<RateLimits | null> {
  const kinds = Object.keys(settings.perWindow) as RateLimitKind[];
  if (kinds.length === 0) return null;
  let redis: Redis | undefined;
  if (settings.redisUrl) {
    redis = new Redis(settings.redisUrl, { maxRetriesPerRequest: 1, connectTimeout: 2000, enableOfflineQueue: false });
    redis.on('error', (error: Error) => console.warn(`[limites de débit] Redis indisponible, comptage local : ${error.message}`));
    // Les premières requêtes sont comptées dans Redis, pas en mémoire : on attend la connexion
    // (deux secondes au plus ; sans Redis, l'assurance en mémoire prend le relais).
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, 2000);
      redis!.once('ready', () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
  const limiters = new Map<RateLimitKind, RateLimiterAbstract>();
  for (const kind of kinds) {
    const options = { points: settings.perWindow[kind]!, duration: settings.windowSeconds, keyPrefix: `${settings.keyPrefix}:${kind}` };
    limiters.set(
      kind,
      redis
        ? new RateLimiterRedis({ ...options, storeClient: redis, rejectIfRedisNotReady: true, insuranceLimiter: new RateLimiterMemory(options) })
        : new RateLimiterMemory(options),
    );
  }
  return {
    settings,
    async consume(subject) {
      const limiter = limiters.get(subject.kind);
      if (!limiter) return null;
      const outcome = (res: RateLimiterRes, allowed: boolean): RateLimitOutcome => ({
        kind: subject.kind,
        limit: limiter.points,
        remaining: res.remainingPoints,
        resetSeconds: Math.max(0, Math.ceil(res.msBeforeNext / 1000)),
        allowed,
      });
      try {
        return outcome(await limiter.consume(subject.id), true);
      } catch (rejection) {
        if (rejection instanceof RateLimiterRes) return outcome(rejection, false);
        // Ni Redis ni l'assurance n'ont répondu : on laisse passer plutôt que de tout refuser.
        console.warn('[limites de débit] comptage impossible', rejection);
        return null;
      }
    },
    async close() {
      redis?.disconnect();
    },
  };
}

/**
 * Les sujets limités d'une opération authentifiée : le jeton d'API s'il y en a un (limite
 * RATE_LIMIT_PER_MINUTE_TOKEN : le logiciel d'un partenaire n'épuise pas la limite de la personne
 * qui a créé le jeton), sinon l'utilisateur de la session. Le seul endroit où dire qui est compté.
 */
export function rateLimitSubjects(viewer: Viewer | null): RateLimitSubject[] {
  if (!viewer) return [];
  return viewer.apiToken ? [{ kind: 'token', id: viewer.apiToken.id }] : [{ kind: 'user', id: viewer.userId }];
}

/**
 * L'adresse du client : celle de la socket, ou, derrière `trustProxy` mandataires de confiance,
 * l'entrée de X-Forwarded-For ajoutée par le premier d'entre eux (les entrées plus à gauche
 * viennent du client et peuvent être forgées).
 */
export function clientAddress(req: IncomingMessage, trustProxy: number): string {
  const socketAddress = req.socket.remoteAddress ?? 'inconnue';
  if (trustProxy <= 0) return socketAddress;
  const header = req.headers['x-forwarded-for'];
  const forwarded = (Array.isArray(header) ? header.join(',') : (header ?? ''))
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  return forwarded[forwarded.length - trustProxy] ?? forwarded[0] ?? socketAddress;
}

/** Les en-têtes RateLimit des limites appliquées à une requête (voir l'en-tête de ce fichier). */
export function rateLimitHeaders(outcomes: readonly RateLimitOutcome[], windowSeconds: number): Record<string, string> {
  if (outcomes.length === 0) return {};
  const closest = outcomes.reduce((a, b) => (b.remaining < a.remaining ? b : a));
  const headers: Record<string, string> = {
    'RateLimit-Policy': outcomes.map((o) => `"${o.kind}";q=${o.limit};w=${windowSeconds}`).join(', '),
    RateLimit: outcomes.map((o) => `"${o.kind}";r=${o.remaining};t=${o.resetSeconds}`).join(', '),
    'RateLimit-Limit': String(closest.limit),
    'RateLimit-Remaining': String(closest.remaining),
    'RateLimit-Reset': String(closest.resetSeconds),
  };
  const refused = outcomes.filter((o) => !o.allowed);
  if (refused.length > 0) headers['Retry-After'] = String(Math.max(1, ...refused.map((o) => o.resetSeconds)));
  return headers;
}

/** L'erreur d'une limite dépassée. */
export function rateLimitedError(outcome: RateLimitOutcome): RateLimitedError {
  return new RateLimitedError(outcome.limit, Math.max(1, outcome.resetSeconds));
}

const addressOutcomes = new WeakMap<IncomingMessage, RateLimitOutcome>();

/**
 * La limite par adresse, avant toute route (GraphQL, documents, pièces) : `false` si la requête
 * est refusée (429 déjà envoyé). Les en-têtes sont posés sur la réponse ; Yoga les complète de
 * la limite par utilisateur (useRateLimits).
 */
export async function admitAddress(rateLimits: RateLimits, req: IncomingMessage, res: ServerResponse): Promise<boolean> {
  const outcome = await rateLimits.consume({ kind: 'ip', id: clientAddress(req, rateLimits.settings.trustProxy) });
  if (!outcome) return true;
  addressOutcomes.set(req, outcome);
  for (const [name, value] of Object.entries(rateLimitHeaders([outcome], rateLimits.settings.windowSeconds))) res.setHeader(name, value);
  if (outcome.allowed) return true;
  res.writeHead(429, { 'content-type': 'application/json; charset=utf-8' });
  res.end(errorBody(rateLimitedError(outcome)));
  return false;
}

/**
 * La limite par utilisateur (ou jeton) de chaque opération GraphQL, comptée quand le contexte est
 * construit, donc après l'analyse et la validation du document, en HTTP, en SSE et en WebSocket.
 * En HTTP, les en-têtes de la réponse réunissent la limite par adresse et celle-ci.
 */
export function useRateLimits(rateLimits: RateLimits): Plugin<Context> {
  const outcomesByRequest = new WeakMap<Request, RateLimitOutcome[]>();
  return {
    onContextBuilding() {
      return async ({ context }) => {
        const outcomes: RateLimitOutcome[] = [];
        for (const subject of rateLimitSubjects(context.viewer)) {
          const outcome = await rateLimits.consume(subject);
          if (outcome) outcomes.push(outcome);
        }
        const request = (context as { request?: Request }).request;
        if (request) outcomesByRequest.set(request, outcomes);
        const refused = outcomes.find((outcome) => !outcome.allowed);
        if (refused) throw rateLimitedError(refused);
      };
    },
    onResponse({ request, response, serverContext }) {
      const fromUser = outcomesByRequest.get(request);
      if (!fromUser?.length) return;
      const req = (serverContext as { req?: IncomingMessage } | undefined)?.req;
      const fromAddress = req ? addressOutcomes.get(req) : undefined;
      const headers = rateLimitHeaders(fromAddress ? [fromAddress, ...fromUser] : fromUser, rateLimits.settings.windowSeconds);
      for (const [name, value] of Object.entries(headers)) response.headers.set(name, value);
    },
  };
}
