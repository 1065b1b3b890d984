import type { Plugin } from 'graphql-yoga';
import type { Context } from '../context.js';
import type { Env } from '../env.js';
import { documentLimitPlugins, useNoIntrospection, useNoSuggestions } from './armor.js';
import { useCsrfPrevention } from './csrf.js';
import { useExecutionTimeout } from './execution-timeout.js';
import { useNoNulCharacter } from './input.js';
import { useRateLimits, type RateLimits } from './rate-limit.js';
import { useRequestLimits } from './request.js';

/**
 * Les protections de l'API GraphQL (README, « Limites de l'API »), dans l'ordre où elles
 * s'appliquent : CSRF, taille du corps et requête lisible avant l'analyse, limites du document à
 * l'analyse et à la validation, débit par utilisateur à la construction du contexte, caractère
 * nul et durée à l'exécution. Les WebSockets passent par la même enveloppe (realtime/websocket.ts) :
 * mêmes limites de document, de débit et de durée.
 */
export function securityPlugins(env: Env, rateLimits: RateLimits | null | undefined): Plugin<Context>[] {
  const introspection = introspectionEnabled(env);
  return [
    useCsrfPrevention(),
    useRequestLimits(),
    ...documentLimitPlugins(),
    ...(introspection ? [] : [useNoIntrospection(), useNoSuggestions()]),
    ...(rateLimits ? [useRateLimits(rateLimits)] : []),
    useNoNulCharacter(),
    useExecutionTimeout(env.GRAPHQL_EXECUTION_TIMEOUT_MS),
  ] as Plugin<Context>[];
}

/**
 * Introspection : partout sauf en production, sauf GRAPHQL_INTROSPECTION. Quand elle est coupée, les
 * suggestions (« Did you mean … ? ») le sont aussi, sans quoi elles la remplaceraient.
 */
export function introspectionEnabled(env: Env): boolean {
  return env.GRAPHQL_INTROSPECTION ?? env.NODE_ENV !== 'production';
}

/** GraphiQL : partout sauf en production, sauf GRAPHIQL. */
export function graphiqlEnabled(env: Env): boolean {
  return env.GRAPHIQL ?? env.NODE_ENV !== 'production';
}
