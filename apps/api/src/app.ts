import type { IncomingMessage } from 'node:http';
import { execute, subscribe } from 'graphql';
import { createYoga, type Plugin, type YogaServerInstance } from 'graphql-yoga';
import { createContext, type Context, type ContextDeps } from './context.js';
import { graphqlUse } from './domains/api-tokens/operation.js';
import { awaitChainedWrites } from './domains/audit/chain.js';
import type { Realtime } from './realtime/index.js';
import { schema } from './schema/index.js';
import { corsPolicy } from './security/cors.js';
import { graphiqlEnabled, securityPlugins } from './security/index.js';
import { clientAddress, type RateLimits } from './security/rate-limit.js';

export interface AppDeps extends ContextDeps {
  /** Limites de débit partagées (http-server.ts) ; sans elles, aucune (l'application des tests en mémoire). */
  rateLimits?: RateLimits | null;
}

export type App = YogaServerInstance<{ connectionParams?: Record<string, unknown> }, Context>;

/**
 * Une opération qui a consigné des événements (toute mutation, une consultation journalisée, un
 * jeton d'API utilisé) ne répond qu'une fois ses événements versés au journal chaîné : ce qu'elle a
 * écrit est alors dans le flux, le direct et les webhooks. Le versement est groupé entre opérations
 * simultanées (domains/audit/chainer.ts). Rien n'est publié avant le commit. Les opérations reçues
 * par WebSocket comptent et attendent de même (realtime/websocket.ts).
 */
function useJournalSignal(realtime: Realtime): Plugin {
  return {
    instrumentation: {
      operation: (_payload, wrapped) =>
        awaitChainedWrites(
          { count: 0 },
          async () => {
            await wrapped();
          },
          () => realtime.journalAdvanced(),
        ),
    },
  };
}

/**
 * L'exécution de graphql-js au lieu de celle de Yoga (`normalizedExecutor` de
 * @graphql-tools/executor), qui porte @defer et @stream, que ce schéma n'expose pas, et coûte
 * davantage par champ (docs/PERFORMANCE.md, cinquième passage).
 */
function useGraphqlJsExecution(): Plugin {
  return {
    onExecute: ({ setExecuteFn }) => setExecuteFn(execute),
    onSubscribe: ({ setSubscribeFn }) => setSubscribeFn(subscribe),
  };
}

/**
 * L'application GraphQL, sans serveur : les tests l'appellent par `app.fetch`, `http-server.ts`
 * la branche sur un port avec les WebSockets. GraphiQL et l'introspection ne sont servis que hors
 * production (sauf GRAPHIQL, GRAPHQL_INTROSPECTION) ; les protections sont dans security/.
 */
export function buildApp(deps: AppDeps): App {
  return createYoga<{ connectionParams?: Record<string, unknown> }, Context>({
    schema,
    graphqlEndpoint: '/graphql',
    graphiql: graphiqlEnabled(deps.env) && { title: 'infoParquet — API GraphQL', subscriptionsProtocol: 'WS' },
    landingPage: false,
    logging: deps.env.NODE_ENV === 'test' ? false : 'info',
    // Les erreurs inattendues restent masquées ; seules nos erreurs (avec un code) passent.
    maskedErrors: { errorMessage: 'Erreur interne : l’opération n’a pas abouti. Réessayez ; si le problème persiste, signalez-le.' },
    plugins: [useGraphqlJsExecution(), ...securityPlugins(deps.env, deps.rateLimits), useJournalSignal(deps.realtime)],
    // La taille des corps est bornée par security/request.ts (100 Ko, PAYLOAD_TOO_LARGE).
    maxRequestBodySize: false,
    // Seule l'application web (WEB_ORIGINS) peut appeler l'API depuis un navigateur avec ses cookies.
    cors: corsPolicy(deps.env.WEB_ORIGINS),
    // En HTTP le jeton vient de l'en-tête Authorization, sinon du cookie de session (navigateurs) ;
    // en WebSocket des connectionParams (websocket.ts y range aussi celui du cookie, origine vérifiée).
    context: (initial) => {
      const { request, connectionParams, params } = initial;
      // L'adresse du client (socket HTTP, ou requête d'ouverture de la WebSocket) et l'opération :
      // un jeton d'API y vérifie son réseau autorisé et sa portée.
      const req = (initial as { req?: IncomingMessage }).req;
      const client = { ip: req ? clientAddress(req, deps.env.TRUST_PROXY) : null, use: () => graphqlUse(params) };
      const fromSocket = connectionParams?.authorization;
      return typeof fromSocket === 'string'
        ? createContext(deps, fromSocket, null, client)
        : createContext(deps, request?.headers.get('authorization'), request, client);
    },
  });
}
