import { createYoga, type Plugin, type YogaServerInstance } from 'graphql-yoga';
import { getOperationAST } from 'graphql';
import type { PrismaClient } from '@infoparquet/db';
import { createContext, type Context } from './context.js';
import type { Env } from './env.js';
import type { Realtime } from './realtime/index.js';
import { schema } from './schema/index.js';

export interface AppDeps {
  prisma: PrismaClient;
  env: Env;
  realtime: Realtime;
}

export type App = YogaServerInstance<{ connectionParams?: Record<string, unknown> }, Context>;

/**
 * Après chaque mutation, une fois ses transactions validées, le journal a peut-être avancé :
 * on réveille les diffuseurs. Rien n'est donc publié avant le commit.
 */
function useJournalSignal(realtime: Realtime): Plugin {
  return {
    onExecute({ args }) {
      const operation = getOperationAST(args.document, args.operationName);
      if (operation?.operation !== 'mutation') return;
      return { onExecuteDone: () => realtime.journalAdvanced() };
    },
  };
}

/**
 * L'application GraphQL, sans serveur : les tests l'appellent par `app.fetch`, `http-server.ts`
 * la branche sur un port avec les WebSockets. GraphiQL n'est servi que hors production.
 */
export function buildApp(deps: AppDeps): App {
  return createYoga<{ connectionParams?: Record<string, unknown> }, Context>({
    schema,
    graphqlEndpoint: '/graphql',
    graphiql: deps.env.NODE_ENV !== 'production' && { title: 'infoParquet — API GraphQL', subscriptionsProtocol: 'WS' },
    landingPage: false,
    logging: deps.env.NODE_ENV === 'test' ? false : 'info',
    // Les erreurs inattendues restent masquées ; seules nos erreurs (avec un code) passent.
    maskedErrors: { errorMessage: 'Erreur interne : l’opération n’a pas abouti. Réessayez ; si le problème persiste, signalez-le.' },
    plugins: [useJournalSignal(deps.realtime)],
    // Seule l'application web (WEB_ORIGINS) peut appeler l'API depuis un navigateur avec ses cookies.
    cors: { origin: deps.env.WEB_ORIGINS, credentials: true },
    // En HTTP le jeton vient de l'en-tête Authorization, sinon du cookie de session (navigateurs) ;
    // en WebSocket des connectionParams (websocket.ts y range aussi celui du cookie, origine vérifiée).
    context: ({ request, connectionParams }) => {
      const fromSocket = connectionParams?.authorization;
      return typeof fromSocket === 'string'
        ? createContext(deps, fromSocket)
        : createContext(deps, request?.headers.get('authorization'), request);
    },
  });
}
