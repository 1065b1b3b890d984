import { WebhookDeliveryStatus } from '@infoparquet/db';
import { builder } from '../../builder.js';
import { BadUserInputError } from '../../errors.js';
import { internalId } from '../../lib/global-id.js';
import { PAGE_MAX } from '../../lib/pagination.js';
import { validate } from '../../lib/validate.js';
import { SignalementEventKindEnum } from '../../realtime/schema.js';
import { API_TOKEN_MANAGERS } from '../api-tokens/permissions.js';
import { parseFeedCursor } from '../feed/repository.js';
import { checkWebhookUrl } from './address-policy.js';
import { deleteWebhook, enableWebhook, findOwnWebhook, registerWebhook, replayWebhookDeliveries, webhookInputSchema, WEBHOOK_LIMITS } from './repository.js';
import { webhookSecretBox } from './secret-box.js';

/**
 * Les webhooks d'une organisation : une adresse HTTPS qui reçoit, signés, les événements choisis
 * du flux `events` (sans contenu). Gérés par le responsable d'administration ou le chef de parquet.
 */

const WebhookDeliveryStatusEnum = builder.enumType(WebhookDeliveryStatus, {
  name: 'WebhookDeliveryStatus',
  description: 'État d’une livraison de webhook.',
  values: {
    PENDING: { description: 'En attente : à envoyer, ou à réessayer à `nextAttemptAt`.' },
    SUCCEEDED: { description: 'Reçue : l’adresse a répondu 2xx.' },
    FAILED: { description: 'Abandonnée : l’adresse a été désactivée avant qu’elle parte (à rejouer après réactivation).' },
  },
});

builder.prismaObject('WebhookDelivery', {
  description: 'Une livraison d’un événement à une adresse de webhook.',
  fields: (t) => ({
    id: t.exposeID('id', { description: 'Identifiant de la livraison (en-tête X-InfoParquet-Delivery).' }),
    eventCursor: t.string({ description: 'Curseur de l’événement livré (champ `id` du corps).', select: { auditEventId: true }, resolve: (d) => d.auditEventId.toString() }),
    event: t.field({ type: SignalementEventKindEnum, description: 'Nature de l’événement.', resolve: (d) => d.event as never }),
    status: t.expose('status', { type: WebhookDeliveryStatusEnum, description: 'État.' }),
    attempts: t.exposeInt('attempts', { description: 'Nombre d’envois tentés.' }),
    nextAttemptAt: t.expose('nextAttemptAt', { type: 'DateTime', description: 'Prochain essai, pour une livraison en attente.' }),
    lastStatusCode: t.exposeInt('lastStatusCode', { nullable: true, description: 'Statut HTTP de la dernière réponse.' }),
    lastError: t.exposeString('lastError', { nullable: true, description: 'Dernière erreur (statut, délai dépassé, connexion refusée…).' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'Mise en file.' }),
    deliveredAt: t.expose('deliveredAt', { type: 'DateTime', nullable: true, description: 'Réception.' }),
  }),
});

const WebhookRef = builder.prismaNode('WebhookEndpoint', {
  name: 'Webhook',
  description: 'Adresse HTTPS d’une organisation qui reçoit, signés (HMAC-SHA256), les événements qu’elle a choisis.',
  id: { field: 'id' },
  findUnique: (id, context) => ({ id, AND: [{ organizationId: context.viewer?.organizationId ?? '00000000-0000-0000-0000-000000000000' }] }),
  fields: (t) => ({
    url: t.exposeString('url', { description: 'Adresse (https).' }),
    description: t.exposeString('description', { nullable: true, description: 'Description libre.' }),
    events: t.field({ type: [SignalementEventKindEnum], description: 'Natures d’événements envoyées.', select: { events: true }, resolve: (w) => w.events as never }),
    active: t.exposeBoolean('active', { description: 'Faux quand l’adresse a été désactivée après des échecs répétés.' }),
    consecutiveFailures: t.exposeInt('consecutiveFailures', { description: 'Échecs consécutifs depuis la dernière livraison reçue.' }),
    disabledAt: t.expose('disabledAt', { type: 'DateTime', nullable: true, description: 'Désactivation automatique, le cas échéant.' }),
    disabledReason: t.exposeString('disabledReason', { nullable: true, description: 'Raison de la désactivation.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'Enregistrement.' }),
    createdBy: t.relation('createdBy', { description: 'La personne qui l’a enregistrée.' }),
    deliveries: t.relation('deliveries', {
      description: `Les dernières livraisons, de la plus récente à la plus ancienne (1 à ${PAGE_MAX}).`,
      args: {
        first: t.arg.int({ required: true, description: `Nombre de livraisons, de 1 à ${PAGE_MAX}.` }),
        status: t.arg({ type: WebhookDeliveryStatusEnum, description: 'Seulement celles dans cet état.' }),
      },
      query: (args) => {
        if (args.first < 1 || args.first > PAGE_MAX) {
          throw new BadUserInputError([{ field: 'first', message: `Nombre de livraisons : entre 1 et ${PAGE_MAX}.` }]);
        }
        return { where: args.status ? { status: args.status } : {}, orderBy: [{ createdAt: 'desc' }, { auditEventId: 'desc' }], take: args.first };
      },
    }),
  }),
});

interface RegisteredShape {
  id: string;
  secret: string;
}

const RegisteredWebhookRef = builder.objectRef<RegisteredShape>('RegisteredWebhook').implement({
  description: 'L’adresse enregistrée et son secret de signature, montré cette seule fois.',
  fields: (t) => ({
    secret: t.exposeString('secret', {
      description: 'Secret de signature (HMAC-SHA256 de `<horodatage>.<corps>`), à conserver maintenant : il ne sera plus montré.',
    }),
    webhook: t.prismaField({
      type: WebhookRef,
      description: 'L’adresse telle qu’elle figure dans la liste.',
      resolve: (query, registered, _args, context) => context.prisma.webhookEndpoint.findUniqueOrThrow({ ...query, where: { id: registered.id } }),
    }),
  }),
});

const WebhookReplayRef = builder.objectRef<{ enqueued: number; position: string | null; hasMore: boolean }>('WebhookReplay').implement({
  description: 'Résultat d’un rejeu.',
  fields: (t) => ({
    enqueued: t.exposeInt('enqueued', { description: 'Livraisons remises en file.' }),
    position: t.exposeString('position', { nullable: true, description: 'Position atteinte dans le flux : à repasser en `after` si `hasMore`.' }),
    hasMore: t.exposeBoolean('hasMore', { description: `Vrai s’il reste des événements au-delà des ${WEBHOOK_LIMITS.replayMax} rejoués par appel.` }),
  }),
});

const WebhookInput = builder.inputType('WebhookInput', {
  description: 'Une nouvelle adresse de webhook.',
  fields: (t) => ({
    url: t.string({ required: true, description: 'Adresse https publique (les adresses internes sont refusées).' }),
    events: t.field({ type: [SignalementEventKindEnum], required: true, description: 'Natures d’événements à recevoir : au moins une.' }),
    description: t.string({ description: `Description libre, ${WEBHOOK_LIMITS.descriptionMaxLength} caractères au plus.` }),
  }),
});

builder.queryField('webhooks', (t) =>
  t.prismaField({
    type: [WebhookRef],
    description: 'Les adresses de webhook de l’organisation du demandeur, de la plus récente à la plus ancienne.',
    authScopes: { anyRole: API_TOKEN_MANAGERS },
    resolve: (query, _root, _args, context) =>
      context.prisma.webhookEndpoint.findMany({ ...query, where: { organizationId: context.viewer!.organizationId }, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }] }),
  }),
);

builder.mutationFields((t) => ({
  registerWebhook: t.field({
    type: RegisteredWebhookRef,
    description: `Enregistre une adresse de webhook pour l’organisation du demandeur (${WEBHOOK_LIMITS.maxEndpoints} au plus) ; rend son secret, une seule fois. Consigné au journal.`,
    authScopes: { anyRole: API_TOKEN_MANAGERS },
    args: { input: t.arg({ type: WebhookInput, required: true, description: 'L’adresse.' }) },
    resolve: async (_root, args, context) => {
      const { events, description } = validate(webhookInputSchema, { events: args.input.events, description: args.input.description }, 'input');
      const url = await checkWebhookUrl(args.input.url, context.env.WEBHOOK_ALLOWED_HOSTS);
      return registerWebhook(context.prisma, context.viewer!, { url, events, description }, webhookSecretBox(context.env));
    },
  }),
  deleteWebhook: t.id({
    description: 'Supprime une adresse de webhook et sa file de livraisons ; rend son identifiant. Consigné au journal.',
    authScopes: { anyRole: API_TOKEN_MANAGERS },
    args: { id: t.arg.id({ required: true, description: 'Identifiant global de l’adresse.' }) },
    resolve: async (_root, args, context) => {
      const endpoint = await findOwnWebhook(context.prisma, context.viewer!, internalId(args.id, 'Webhook'));
      await deleteWebhook(context.prisma, context.viewer!, endpoint.id);
      return args.id;
    },
  }),
  enableWebhook: t.prismaField({
    type: WebhookRef,
    description: 'Réactive une adresse désactivée après des échecs répétés (compteur remis à zéro). Consigné au journal.',
    authScopes: { anyRole: API_TOKEN_MANAGERS },
    args: { id: t.arg.id({ required: true, description: 'Identifiant global de l’adresse.' }) },
    resolve: async (query, _root, args, context) => {
      const endpoint = await findOwnWebhook(context.prisma, context.viewer!, internalId(args.id, 'Webhook'));
      await enableWebhook(context.prisma, context.viewer!, endpoint.id);
      return context.prisma.webhookEndpoint.findUniqueOrThrow({ ...query, where: { id: endpoint.id } });
    },
  }),
  replayWebhookDeliveries: t.field({
    type: WebhookReplayRef,
    description: `Remet en file, pour cette adresse, chaque événement du flux après \`after\` qu’elle a demandé, même déjà livré (${WEBHOOK_LIMITS.replayMax} au plus par appel). Consigné au journal.`,
    authScopes: { anyRole: API_TOKEN_MANAGERS },
    args: {
      id: t.arg.id({ required: true, description: 'Identifiant global de l’adresse.' }),
      after: t.arg.string({ description: 'Curseur du flux (le champ `id` du dernier événement reçu) ; absent, depuis le début.' }),
    },
    resolve: async (_root, args, context) => {
      const viewer = context.viewer!;
      const endpoint = await findOwnWebhook(context.prisma, viewer, internalId(args.id, 'Webhook'));
      const after = parseFeedCursor(args.after);
      if (!endpoint.active) {
        throw new BadUserInputError([{ field: 'id', message: 'Adresse désactivée : réactivez-la (enableWebhook) avant de rejouer.' }]);
      }
      return replayWebhookDeliveries(context.prisma, viewer, endpoint, after);
    },
  }),
}));
