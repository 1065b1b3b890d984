import SchemaBuilder from '@pothos/core';
import PrismaPlugin from '@pothos/plugin-prisma';
import RelayPlugin from '@pothos/plugin-relay';
import ScopeAuthPlugin from '@pothos/plugin-scope-auth';
import { DateTimeResolver, LocalDateResolver } from 'graphql-scalars';
import { getDatamodel, type PrismaClient, type PrismaTypes, type Role } from '@infoparquet/db';
import type { Context } from './context.js';
import { ForbiddenError, UnauthenticatedError } from './errors.js';

/**
 * Le constructeur de schéma : seulement les greffons et les types partagés. Les types et leurs
 * opérations sont dans `domains/<domaine>/schema.ts`.
 */
export const builder = new SchemaBuilder<{
  Context: Context;
  PrismaTypes: PrismaTypes;
  DefaultFieldNullability: false;
  Scalars: {
    DateTime: { Input: Date; Output: Date };
    Date: { Input: string; Output: Date | string };
    ID: { Input: string; Output: string };
  };
  AuthScopes: {
    /** Une session ou un jeton valide. */
    loggedIn: boolean;
    /** Un de ces rôles. */
    anyRole: readonly Role[];
  };
}>({
  plugins: [ScopeAuthPlugin, PrismaPlugin, RelayPlugin],
  defaultFieldNullability: false,
  scopeAuth: {
    authScopes: (context) => ({
      loggedIn: context.viewer !== null,
      anyRole: (roles) => context.viewer !== null && roles.includes(context.viewer.role),
    }),
    // Sans session : UNAUTHENTICATED ; avec une session mais le mauvais rôle : FORBIDDEN.
    unauthorizedError: (_parent, context) => (context.viewer ? new ForbiddenError() : new UnauthenticatedError()),
  },
  prisma: {
    client: (context) => context.prisma as PrismaClient,
    dmmf: getDatamodel(),
    exposeDescriptions: false,
    filterConnectionTotalCount: true,
    onUnusedQuery: process.env.NODE_ENV === 'production' ? null : 'warn',
  },
  relay: {
    clientMutationId: 'omit',
    cursorType: 'String',
    nodeTypeOptions: { description: 'Objet identifiable globalement (spécification Relay).' },
    pageInfoTypeOptions: { description: 'Position dans une liste paginée (spécification Relay).' },
    idFieldOptions: { description: 'Identifiant global opaque.' },
    cursorFieldOptions: { description: 'Curseur opaque de cet élément, à passer en `after`.' },
    nodeFieldOptions: { description: 'L’élément.' },
    edgesFieldOptions: { description: 'Les éléments de la page, avec leur curseur.' },
    pageInfoFieldOptions: { description: 'Position de la page.' },
    hasNextPageFieldOptions: { description: 'Vrai s’il reste des éléments après cette page.' },
    hasPreviousPageFieldOptions: { description: 'Vrai s’il y a des éléments avant cette page.' },
    startCursorFieldOptions: { description: 'Curseur du premier élément de la page.' },
    endCursorFieldOptions: { description: 'Curseur du dernier élément, à passer en `after` pour la page suivante.' },
    // `node` est défini dans schema/node.ts : périmètre du demandeur, consultation consignée.
    nodeQueryOptions: false,
    nodesQueryOptions: false,
  },
});

builder.addScalarType('DateTime', DateTimeResolver, {
  description: 'Date et heure ISO 8601 (UTC), à la milliseconde.',
});
builder.addScalarType('Date', LocalDateResolver, {
  description: 'Date du calendrier, au format AAAA-MM-JJ.',
});
builder.queryType({ description: 'Lectures.' });
builder.mutationType({ description: 'Écritures.' });
