import { builder } from '../builder.js';
import type { Role } from '@infoparquet/db';
import type { Context } from '../context.js';
import type { Viewer } from '../domains/auth/sessions.js';
import { BadUserInputError, ForbiddenError, NotFoundError, UnauthenticatedError } from '../errors.js';
import { internalId } from '../lib/global-id.js';
import { UserRef } from '../domains/organizations/schema.js';
import { ROLES_FOR, visibleWhere } from '../domains/signalements/permissions.js';
import { SignalementRef, SignalementStatusEnum } from '../domains/signalements/schema.js';
import { SIGNALEMENT_EVENT_KINDS, type SignalementEventKind } from './events.js';

const EVENT_KIND_LABELS: Record<SignalementEventKind, string> = {
  CREATED: 'Brouillon créé.',
  UPDATED: 'Brouillon modifié.',
  DELETED: 'Brouillon supprimé.',
  TRANSMITTED: 'Transmis au parquet.',
  WITHDRAWN: 'Retiré par l’administration.',
  TRANSFERRED: 'Transféré à un autre parquet.',
  REGISTERED: 'Enregistré par le parquet.',
  ASSIGNED: 'Attribué ou orienté.',
  INFORMATION_REQUESTED: 'Renseignements demandés à l’administration.',
  INFORMATION_ANSWERED: 'Réponse de l’administration.',
  DECIDED: 'Décision du procureur.',
  REOPENED: 'Rouvert.',
  CLOSED: 'Clôturé.',
  URGENCY_CHANGED: 'Urgence confirmée ou levée.',
  ESCALATED: 'Alerte : urgent toujours pas enregistré.',
  PURGED: 'Purgé à l’échéance de sa durée de conservation ; une pierre tombale en garde la trace.',
  PIECE_ADDED: 'Pièce jointe ajoutée (au brouillon, ou après la transmission comme complément daté).',
};
import type { Feed, LiveEvent } from './hub.js';

const UrgentQueueEventKindEnum = builder.enumType('UrgentQueueEventKind', {
  description: 'Changement de la file d’urgence.',
  values: {
    ADDED: { description: 'Un signalement urgent entre dans la file (transmis, transféré ici, ou devenu urgent).' },
    REMOVED: { description: 'Il en sort (enregistré, retiré, transféré ailleurs, ou plus urgent).' },
    UPDATED: { description: 'Son urgence a été requalifiée.' },
    ESCALATED: { description: 'Il attend toujours son enregistrement au-delà du délai d’alerte.' },
  },
});

export const SignalementEventKindEnum = builder.enumType('SignalementEventKind', {
  description: 'Nature d’un changement de signalement.',
  values: Object.fromEntries(
    Object.values(SIGNALEMENT_EVENT_KINDS).map((kind) => [kind, { description: EVENT_KIND_LABELS[kind] }]),
  ) as Record<string, { description: string }>,
});

const LiveEventInterface = builder.interfaceRef<LiveEvent>('LiveEvent').implement({
  description: 'Ce que porte tout événement en direct : son curseur, le signalement concerné, l’instant.',
  fields: (t) => ({
    cursor: t.exposeString('cursor', { description: 'Curseur de l’événement : à repasser en `after` pour reprendre après lui sans rien manquer.' }),
    signalementId: t.id({ description: 'Identifiant global du signalement.', resolve: (e) => globalSignalementId(e.signalementId) }),
    signalement: t.prismaField({
      type: SignalementRef,
      nullable: true,
      description: 'Le signalement dans son état actuel ; nul s’il n’est plus visible (transféré ailleurs, supprimé).',
      resolve: (query, e, _args, context) =>
        context.viewer ? context.prisma.signalement.findFirst({ ...query, where: { AND: [{ id: e.signalementId }, visibleWhere(context.viewer)] } }) : null,
    }),
    at: t.expose('at', { type: 'DateTime', description: 'Instant du changement.' }),
  }),
});

const UrgentQueueEventRef = builder.objectRef<LiveEvent>('UrgentQueueEvent').implement({
  description: 'Changement de la file d’urgence d’un parquet.',
  interfaces: [LiveEventInterface],
  fields: (t) => ({
    kind: t.field({ type: UrgentQueueEventKindEnum, description: 'Nature du changement.', resolve: (e) => e.kind as never }),
  }),
});

const SignalementEventRef = builder.objectRef<LiveEvent>('SignalementEvent').implement({
  description: 'Changement d’un signalement visible par le demandeur.',
  interfaces: [LiveEventInterface],
  fields: (t) => ({
    kind: t.field({ type: SignalementEventKindEnum, description: 'Nature du changement.', resolve: (e) => e.kind }),
    actor: t.prismaField({
      type: UserRef,
      nullable: true,
      description: 'Auteur du changement (nul pour une alerte de la plateforme).',
      resolve: (query, e, _args, context) => (e.actorId ? context.prisma.user.findUnique({ ...query, where: { id: e.actorId } }) : null),
    }),
    fromStatus: t.field({ type: SignalementStatusEnum, nullable: true, description: 'Statut avant.', resolve: (e) => e.fromStatus as never }),
    toStatus: t.field({ type: SignalementStatusEnum, nullable: true, description: 'Statut après.', resolve: (e) => e.toStatus as never }),
  }),
});

function globalSignalementId(id: string): string {
  return Buffer.from(`Signalement:${id}`).toString('base64');
}

/** Les gardes déclaratives ne s'appliquent pas à l'ouverture d'un flux : on vérifie ici. */
function requireRole(context: Context, roles: readonly Role[]): Viewer {
  if (!context.viewer) throw new UnauthenticatedError();
  if (!roles.includes(context.viewer.role)) throw new ForbiddenError();
  return context.viewer;
}

function parseCursor(after: string | null | undefined): bigint | null {
  if (after === null || after === undefined) return null;
  if (!/^\d{1,19}$/.test(after)) throw new BadUserInputError([{ field: 'after', message: 'Curseur d’événement invalide.' }]);
  return BigInt(after);
}

builder.subscriptionType({ description: 'Abonnements temps réel (WebSocket graphql-ws ou server-sent events sur /graphql).' });

builder.subscriptionFields((t) => ({
  urgentQueueChanged: t.field({
    type: UrgentQueueEventRef,
    description: 'La file d’urgence du parquet du demandeur, en direct. Avec `after`, rejoue d’abord dans l’ordre tout ce qui a suivi ce curseur.',
    authScopes: { anyRole: ROLES_FOR.register },
    args: { after: t.arg.string({ description: 'Dernier curseur reçu.' }) },
    subscribe: async (_root, args, context) => {
      const viewer = requireRole(context, ROLES_FOR.register);
      const after = parseCursor(args.after);
      return context.realtime.hub.subscribe(viewer, { name: 'urgentQueueChanged' }, after);
    },
    resolve: (event: LiveEvent) => event,
  }),
  signalementEvents: t.field({
    type: SignalementEventRef,
    description:
      'Chaque changement des signalements que le demandeur peut voir (un seul avec `signalementId`, sinon tous ceux de son organisation). Avec `after`, rejoue d’abord ce qui a suivi ce curseur.',
    authScopes: { anyRole: ROLES_FOR.read },
    args: {
      signalementId: t.arg.id({ description: 'Un seul signalement.' }),
      after: t.arg.string({ description: 'Dernier curseur reçu.' }),
    },
    subscribe: async (_root, args, context) => {
      const viewer = requireRole(context, ROLES_FOR.read);
      const after = parseCursor(args.after);
      let feed: Feed = { name: 'signalementEvents', signalementId: null };
      if (args.signalementId) {
        const id = internalId(args.signalementId, 'Signalement');
        const visible = id && (await context.prisma.signalement.findFirst({ where: { AND: [{ id }, visibleWhere(viewer)] }, select: { id: true } }));
        if (!visible) throw new NotFoundError();
        feed = { name: 'signalementEvents', signalementId: visible.id };
      }
      return context.realtime.hub.subscribe(viewer, feed, after);
    },
    resolve: (event: LiveEvent) => event,
  }),
}));

