import type { Server } from 'node:http';
import { createSourceEventStream, execute, GraphQLError, print, type ExecutionArgs, type ExecutionResult } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer, type WebSocket } from 'ws';
import type { PrismaClient } from '@infoparquet/db';
import type { App } from '../app.js';
import { sessionTokenFromCookie } from '../context.js';
import { awaitChainedWrites, countAuditWrites } from '../domains/audit/chain.js';
import { sessionAccess, type SessionCache } from '../domains/auth/session-cache.js';
import { bearerToken } from '../domains/auth/sessions.js';
import { DEFAULT_WEB_ORIGINS } from '../env.js';
import { AppError } from '../errors.js';
import { clientAddress, type RateLimits } from '../security/rate-limit.js';
import { MAX_BODY_BYTES } from '../security/limits.js';
import { HubSubscription, type LiveEvent } from './hub.js';
import { OrderedSender, SharedResults } from './shared-results.js';
import type { Realtime } from './index.js';

/**
 * Codes de fermeture des WebSockets (documentés pour les partenaires dans le README) :
 * - 4401 : aucun jeton, ni dans `connectionParams.authorization` ni dans le cookie `ip_session` ;
 * - 4403 : jeton inconnu, expiré ou révoqué, à la connexion ou plus tard (déconnexion, expiration,
 *   compte désactivé) ; ou cookie de session présenté par une page d'une origine non autorisée ;
 * - 1013 (« réessayez plus tard ») : limite de débit par adresse atteinte à l'ouverture.
 */
export const CLOSE_UNAUTHENTICATED = 4401;
export const CLOSE_FORBIDDEN = 4403;
export const CLOSE_RATE_LIMITED = 1013;

interface SocketRoot {
  execute: (args: ExecutionArgs) => Promise<ExecutionResult>;
  subscribe: (args: ExecutionArgs) => Promise<AsyncGenerator<ExecutionResult> | ExecutionResult>;
  socket: WebSocket;
  id: string;
  /** Les événements d'audit écrits par l'opération (contexte compris) : comptés comme en HTTP (app.ts). */
  writes: { count: number };
}

/**
 * GraphQL sur WebSocket (protocole graphql-ws), sur le même serveur, port et chemin que HTTP.
 * Chaque opération passe par l'enveloppe de Yoga : mêmes greffons, même contexte qu'en HTTP.
 *
 * La diffusion évite d'exécuter l'abonnement une fois par écran : pour un événement donné, le
 * résultat est calculé et sérialisé une fois par audience (même organisation, même rôle, même
 * filtre, même document), puis le même texte part sur chaque socket.
 */
export interface WebSocketDeps {
  prisma: PrismaClient;
  realtime: Realtime;
  /** Origines de l'application web autorisées à s'authentifier par le cookie (env WEB_ORIGINS). */
  webOrigins?: readonly string[];
  /** Mandataires de confiance devant l'API (env TRUST_PROXY), pour l'adresse du client d'un jeton d'API. */
  trustProxy?: number;
  /** Limites de débit : chaque ouverture de connexion compte comme une requête de son adresse. */
  rateLimits?: RateLimits | null;
  /** Les sessions gardées en mémoire par l'instance (auth/session-cache.ts) ; sans elles, lues en base. */
  sessions?: SessionCache | null;
}

/** Une raison de fermeture tient en 123 octets (RFC 6455) : coupée avant, sans casser un caractère. */
function closeReason(message: string): string {
  let reason = message;
  while (Buffer.byteLength(reason) > 123) reason = `${reason.slice(0, -2)}…`;
  return reason;
}

export function attachWebSockets(server: Server, app: App, deps: WebSocketDeps) {
  // Un message ne dépasse pas la taille d'un corps de requête GraphQL HTTP (sinon fermeture 1009).
  const wss = new WebSocketServer({ server, path: '/graphql', maxPayload: MAX_BODY_BYTES });
  const webOrigins = new Set(deps.webOrigins ?? DEFAULT_WEB_ORIGINS.split(','));
  const socketsBySession = new Map<string, Set<WebSocket>>();
  const expiryTimers = new Map<WebSocket, NodeJS.Timeout>();
  const shared = new SharedResults<LiveEvent>((error) => console.error('[temps réel] résultat d’un événement impossible à calculer', error));

  const closeSession = (sessionId: string, reason: string) => {
    for (const socket of socketsBySession.get(sessionId) ?? []) socket.close(CLOSE_FORBIDDEN, reason);
    socketsBySession.delete(sessionId);
  };
  const revocations = deps.realtime.signals.subscribe('session:revoked');
  void (async () => {
    for await (const { sessionId } of revocations) closeSession(sessionId, 'Session terminée');
  })();

  const disposable = useServer<Record<string, unknown>, { sessionId?: string; cookieToken?: string }>(
    {
      onConnect: async (ctx) => {
        let token = bearerToken(typeof ctx.connectionParams?.authorization === 'string' ? ctx.connectionParams.authorization : undefined);
        const socket = ctx.extra.socket;
        // Avant toute lecture en base : une adresse qui a épuisé sa limite n'ouvre plus de connexion.
        const admitted = deps.rateLimits && (await deps.rateLimits.consume({ kind: 'ip', id: clientAddress(ctx.extra.request, deps.trustProxy ?? 0) }));
        if (admitted && !admitted.allowed) {
          socket.close(CLOSE_RATE_LIMITED, `Trop de requêtes : réessayez dans ${Math.max(1, admitted.resetSeconds)} s`);
          return false;
        }
        if (token === undefined) {
          // Un navigateur ne peut pas poser d'en-tête sur une WebSocket : il présente le cookie de
          // session. Le navigateur l'envoie aussi quand une page d'un autre site ouvre la socket
          // (détournement de WebSocket inter-sites) : le cookie ne vaut que depuis nos origines.
          const fromCookie = sessionTokenFromCookie(ctx.extra.request.headers.cookie);
          if (fromCookie !== undefined) {
            const origin = ctx.extra.request.headers.origin;
            if (!origin || !webOrigins.has(origin)) {
              socket.close(CLOSE_FORBIDDEN, 'Origine non autorisée');
              return false;
            }
            token = fromCookie;
            ctx.extra.cookieToken = fromCookie;
          }
        }
        if (!token) {
          socket.close(CLOSE_UNAUTHENTICATED, 'Authentification requise');
          return false;
        }
        let access;
        try {
          // De la mémoire des sessions quand elle sert : l'abonnement qui suit la reprend sans relire la base.
          access = await sessionAccess(deps, token, new Date(), {
            ip: clientAddress(ctx.extra.request, deps.trustProxy ?? 0),
            use: () => ({ scope: 'READ', operation: 'connexion WebSocket' }),
          });
        } catch (error) {
          // Jeton d'API refusé (révoqué, expiré, réseau non autorisé…) : la raison accompagne la fermeture.
          if (!(error instanceof AppError)) throw error;
          socket.close(CLOSE_FORBIDDEN, closeReason(error.message));
          return false;
        }
        if (!access) {
          socket.close(CLOSE_FORBIDDEN, 'Jeton invalide ou session terminée');
          return false;
        }
        // Une session ou un jeton d'API, avec son échéance, lus d'une seule requête.
        const { viewer, expiresAt } = access;
        ctx.extra.sessionId = viewer.sessionId;
        const sockets = socketsBySession.get(viewer.sessionId) ?? new Set();
        sockets.add(socket);
        socketsBySession.set(viewer.sessionId, sockets);
        const remaining = Math.min(expiresAt.getTime() - Date.now(), 2 ** 31 - 1);
        expiryTimers.set(socket, setTimeout(() => socket.close(CLOSE_FORBIDDEN, 'Session expirée'), remaining));
        return true;
      },
      onClose: (ctx) => {
        const socket = ctx.extra.socket;
        clearTimeout(expiryTimers.get(socket));
        expiryTimers.delete(socket);
        if (ctx.extra.sessionId) socketsBySession.get(ctx.extra.sessionId)?.delete(socket);
      },
      onSubscribe: async (ctx, id, payload) => {
        const { schema, execute, subscribe, contextFactory, parse, validate } = app.getEnveloped({
          ...ctx,
          req: ctx.extra.request,
          socket: ctx.extra.socket,
          params: payload,
          // Le contexte de Yoga lit le jeton dans connectionParams.authorization, même venu du cookie.
          connectionParams: ctx.extra.cookieToken
            ? { ...ctx.connectionParams, authorization: `Bearer ${ctx.extra.cookieToken}` }
            : ctx.connectionParams,
        });
        // Un document refusé (syntaxe, limites de security/) ou une limite de débit atteinte répond
        // une erreur à cette opération ; levée ici, elle fermerait toute la socket (4500).
        const writes = { count: 0 };
        try {
          const document = parse(payload.query);
          const errors = validate(schema, document);
          if (errors.length > 0) return errors;
          return {
            schema,
            operationName: payload.operationName ?? null,
            document,
            variableValues: payload.variables ?? null,
            contextValue: await countAuditWrites(writes, () => contextFactory()),
            rootValue: { execute, subscribe, socket: ctx.extra.socket, id, writes } satisfies SocketRoot,
          } satisfies ExecutionArgs;
        } catch (error) {
          if (error instanceof GraphQLError) return [error];
          throw error;
        }
      },
      // Comme en HTTP (app.ts) : une opération qui a consigné des événements (mutation, consultation,
      // jeton d'API utilisé) ne répond qu'une fois ses événements versés au journal chaîné.
      execute: (args) => {
        const root = args.rootValue as SocketRoot;
        return awaitChainedWrites(root.writes, () => root.execute(args), () => deps.realtime.journalAdvanced());
      },
      subscribe: (args) => {
        // Un abonnement n'écrit rien lui-même ; son contexte a pu consigner l'usage d'un jeton d'API.
        if ((args.rootValue as SocketRoot).writes.count > 0) void deps.realtime.journalAdvanced();
        return subscribeShared(args, shared);
      },
    },
    wss,
  );

  return {
    wss,
    async close() {
      revocations.return?.();
      for (const timer of expiryTimers.values()) clearTimeout(timer);
      for (const client of wss.clients) client.terminate();
      // dispose() ferme aussi le serveur WebSocket.
      await disposable.dispose();
    },
  };
}

/**
 * Ouvre le flux de l'abonnement, puis envoie chaque événement soi-même : le résultat vient du
 * cache partagé de l'audience, le message est composé autour du texte déjà sérialisé et part dans
 * le même tour de boucle que la diffusion quand ce texte est prêt, sinon avec tous les écrans qui
 * l'attendent, dès qu'il l'est, toujours dans l'ordre des événements (shared-results.ts). Le flux
 * rendu à graphql-ws ne produit rien ; il se termine avec l'abonnement et, quand le client se
 * désabonne ou se déconnecte, son `return` ferme l'abonnement au diffuseur.
 */
async function subscribeShared(args: ExecutionArgs, shared: SharedResults<LiveEvent>) {
  const root = args.rootValue as SocketRoot;
  const source = await createSourceEventStream(args);
  if (!(source instanceof HubSubscription)) {
    // Erreur au moment de s'abonner (droits, saisie) : renvoyée telle quelle si c'est la nôtre.
    if ('errors' in (source as object)) return maskUnexpected(source as ExecutionResult);
    return root.subscribe(args);
  }
  const resultKey = `${source.audienceKey}|${print(args.document)}|${JSON.stringify(args.variableValues ?? {})}|${args.operationName ?? ''}`;
  const prefix = `{"id":${JSON.stringify(root.id)},"type":"next","payload":`;
  const sender = new OrderedSender((payload) => {
    if (root.socket.readyState === root.socket.OPEN) root.socket.send(`${prefix}${payload}}`);
  });
  source.listen((event) => {
    // L'exécution enveloppée de Yoga relancerait l'abonnement : on exécute la sélection de
    // l'opération sur l'événement, comme graphql-js le fait pour chaque événement d'un flux.
    sender.deliver(shared.get(event, resultKey, async () => maskUnexpected(await execute({ ...args, rootValue: event }))));
  });

  const finished = { value: undefined, done: true } as const;
  return {
    [Symbol.asyncIterator]() {
      return this;
    },
    next: () => source.ended.then(() => finished),
    return: () => {
      source.close();
      return Promise.resolve(finished);
    },
    throw: () => {
      source.close();
      return Promise.resolve(finished);
    },
  } as AsyncGenerator<ExecutionResult>;
}

function maskUnexpected(result: ExecutionResult): ExecutionResult {
  return {
    ...result,
    errors: result.errors?.map((error) =>
      error.originalError instanceof AppError || !error.originalError
        ? error
        : new GraphQLError('Erreur interne : l’abonnement n’a pas pu démarrer.', { path: error.path }),
    ),
  };
}
