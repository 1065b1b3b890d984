import { createYoga, type YogaServerInstance } from 'graphql-yoga';
import type { PrismaClient } from '@infoparquet/db';
import { createContext, type Context } from './context.js';
import type { Env } from './env.js';
import { schema } from './schema/index.js';

export interface AppDeps {
  prisma: PrismaClient;
  env: Env;
}

export type App = YogaServerInstance<Record<string, unknown>, Context>;

/**
 * L'application GraphQL, sans serveur : les tests l'appellent par `app.fetch`, `server.ts` la
 * branche sur un port. GraphiQL n'est servi que hors production.
 */
export function buildApp(deps: AppDeps): App {
  return createYoga<Record<string, unknown>, Context>({
    schema,
    graphqlEndpoint: '/graphql',
    graphiql: deps.env.NODE_ENV !== 'production' && { title: 'infoParquet — API GraphQL' },
    landingPage: false,
    logging: deps.env.NODE_ENV === 'test' ? false : 'info',
    // Les erreurs inattendues restent masquées ; seules nos erreurs (avec un code) passent.
    maskedErrors: { errorMessage: 'Erreur interne : l’opération n’a pas abouti. Réessayez ; si le problème persiste, signalez-le.' },
    context: ({ request }) => createContext(deps, request.headers.get('authorization')),
  });
}
