import { ApiTokenScope } from '@infoparquet/db';
import { builder } from '../../builder.js';
import { internalId } from '../../lib/global-id.js';
import { validate } from '../../lib/validate.js';
import { API_TOKEN_MANAGERS } from './permissions.js';
import { apiTokenInputSchema, createApiToken, findOwnApiToken, revokeApiToken } from './repository.js';

/**
 * Les jetons d'API d'une organisation : création (le jeton n'est montré qu'une fois), liste (sans
 * jamais le secret), révocation immédiate. Réservé au responsable d'administration et au chef de
 * parquet ; un jeton ne gère jamais les jetons.
 */

export const ApiTokenScopeEnum = builder.enumType(ApiTokenScope, {
  name: 'ApiTokenScope',
  description: 'Portée d’un jeton d’API.',
  values: {
    READ: { description: 'Lecture : requêtes, flux d’événements, abonnements, téléchargements (comme un lecteur, ou un membre du parquet).' },
    WRITE: {
      description:
        'Écriture : mutations d’un agent d’administration (créer, transmettre, répondre) ou d’un greffier (enregistrer, orienter, transférer, demander des renseignements) ; jamais celles d’un responsable.',
    },
  },
});

const ApiTokenStatusEnum = builder.enumType('ApiTokenStatus', {
  description: 'État d’un jeton d’API.',
  values: {
    ACTIVE: { description: 'Utilisable jusqu’à son échéance.' },
    EXPIRED: { description: 'Échéance passée : refusé.' },
    REVOKED: { description: 'Révoqué : refusé.' },
  },
});

export const ApiTokenRef = builder.prismaNode('ApiToken', {
  description: 'Jeton d’API d’une organisation, pour ses logiciels. Le jeton lui-même n’est montré qu’à sa création ; seul son SHA-256 est conservé.',
  id: { field: 'id' },
  findUnique: (id, context) => ({ id, AND: [{ organizationId: context.viewer?.organizationId ?? '00000000-0000-0000-0000-000000000000' }] }),
  fields: (t) => ({
    name: t.exposeString('name', { description: 'Nom donné à la création (à quoi sert le jeton).' }),
    tokenPrefix: t.exposeString('tokenPrefix', { description: 'Début du jeton (ipk_ et huit caractères), pour le reconnaître.' }),
    scopes: t.expose('scopes', { type: [ApiTokenScopeEnum], description: 'Portées.' }),
    allowedNetworks: t.exposeStringList('allowedNetworks', {
      description: 'Réseaux d’où le jeton est accepté (CIDR) ; vide : de partout.',
    }),
    expiresAt: t.expose('expiresAt', { type: 'DateTime', description: 'Échéance (un an au plus après la création).' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'Création.' }),
    createdBy: t.relation('createdBy', { description: 'La personne qui l’a créé : elle est l’auteur, au journal, de ce que fait le jeton.' }),
    revokedAt: t.expose('revokedAt', { type: 'DateTime', nullable: true, description: 'Révocation, le cas échéant.' }),
    revokedBy: t.relation('revokedBy', { nullable: true, description: 'La personne qui l’a révoqué.' }),
    lastUsedAt: t.expose('lastUsedAt', {
      type: 'DateTime',
      nullable: true,
      description: 'Dernière utilisation, à la minute près (chaque utilisation est consignée au journal).',
    }),
    lastUsedIp: t.exposeString('lastUsedIp', { nullable: true, description: 'Adresse IP de la dernière utilisation.' }),
    status: t.field({
      type: ApiTokenStatusEnum,
      description: 'État à cet instant.',
      select: { revokedAt: true, expiresAt: true },
      resolve: (token) => (token.revokedAt ? 'REVOKED' : token.expiresAt <= new Date() ? 'EXPIRED' : 'ACTIVE'),
    }),
  }),
});

const ApiTokenInput = builder.inputType('ApiTokenInput', {
  description: 'Un nouveau jeton d’API pour l’organisation du demandeur.',
  fields: (t) => ({
    name: t.string({ required: true, description: 'Nom (à quoi sert le jeton), 100 caractères au plus.' }),
    scopes: t.field({ type: [ApiTokenScopeEnum], required: true, description: 'Portées : au moins une.' }),
    expiresAt: t.field({ type: 'DateTime', required: true, description: 'Échéance, obligatoire : dans le futur, un an au plus.' }),
    allowedNetworks: t.stringList({
      description: 'Réseaux autorisés (CIDR IPv4 ou IPv6, ex. 203.0.113.0/24, 2001:db8::/32 ; une adresse seule vaut /32 ou /128), 20 au plus ; vide : de partout.',
    }),
  }),
});

interface CreatedApiTokenShape {
  id: string;
  token: string;
}

const CreatedApiTokenRef = builder.objectRef<CreatedApiTokenShape>('CreatedApiToken').implement({
  description: 'Le jeton créé, et sa valeur en clair montrée cette seule fois.',
  fields: (t) => ({
    token: t.exposeString('token', {
      description: 'Le jeton, à copier maintenant : il ne sera plus jamais montré (seul son SHA-256 est conservé). À envoyer dans `Authorization: Bearer <jeton>`.',
    }),
    apiToken: t.prismaField({
      type: ApiTokenRef,
      description: 'Le jeton tel qu’il figure dans la liste.',
      resolve: (query, created, _args, context) => context.prisma.apiToken.findUniqueOrThrow({ ...query, where: { id: created.id } }),
    }),
  }),
});

builder.queryField('apiTokens', (t) =>
  t.prismaField({
    type: [ApiTokenRef],
    description: 'Les jetons d’API de l’organisation du demandeur, du plus récent au plus ancien (révoqués et expirés compris).',
    authScopes: { anyRole: API_TOKEN_MANAGERS },
    resolve: (query, _root, _args, context) =>
      context.prisma.apiToken.findMany({
        ...query,
        where: { organizationId: context.viewer!.organizationId },
        orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      }),
  }),
);

builder.mutationFields((t) => ({
  createApiToken: t.field({
    type: CreatedApiTokenRef,
    description: 'Crée un jeton d’API pour l’organisation du demandeur (responsable, chef de parquet) ; consigné au journal.',
    authScopes: { anyRole: API_TOKEN_MANAGERS },
    args: { input: t.arg({ type: ApiTokenInput, required: true, description: 'Le jeton.' }) },
    resolve: (_root, args, context) => {
      const input = validate(apiTokenInputSchema(new Date()), { ...args.input, allowedNetworks: args.input.allowedNetworks ?? [] }, 'input');
      return createApiToken(context.prisma, context.viewer!, input);
    },
  }),
  revokeApiToken: t.prismaField({
    type: ApiTokenRef,
    description: 'Révoque un jeton d’API de l’organisation du demandeur, avec effet immédiat (ses WebSockets se ferment) ; consigné au journal.',
    authScopes: { anyRole: API_TOKEN_MANAGERS },
    args: { id: t.arg.id({ required: true, description: 'Identifiant global du jeton.' }) },
    resolve: async (query, _root, args, context) => {
      const viewer = context.viewer!;
      const token = await findOwnApiToken(context.prisma, viewer, internalId(args.id, 'ApiToken'));
      if (await revokeApiToken(context.prisma, viewer, token.id)) context.realtime.sessionRevoked(token.id);
      return context.prisma.apiToken.findUniqueOrThrow({ ...query, where: { id: token.id } });
    },
  }),
}));
