import { NotificationEvent, NotificationFrequency } from '@infoparquet/db';
import { builder } from '../../builder.js';
import { internalId } from '../../lib/global-id.js';
import { UserRef } from '../organizations/schema.js';
import { preferencesOf, setOnDuty, setPreference, type PreferenceView } from './repository.js';
import { EVENT_LABELS, FREQUENCY_LABELS, isLocked, LOCKED_EXPLANATION } from './rules.js';

/**
 * Les courriels vus par GraphQL : les préférences de l'utilisateur connecté
 * (`me { notificationPreferences }`, `setNotificationPreference`) et le tableau de permanence
 * tenu par le chef de parquet (`User.onDuty`, `setOnDuty`).
 */

export const NotificationEventEnum = builder.enumType(NotificationEvent, {
  name: 'NotificationEvent',
  description: 'Événement qui peut donner lieu à un courriel.',
  values: {
    PROOF_OF_DEPOSIT: { description: 'Accusé de réception, à l’agent qui a transmis le signalement.' },
    URGENT_RECEIVED: { description: 'Nouveau signalement urgent, à la permanence du parquet (ne peut pas être coupé).' },
    ESCALATION: { description: 'Urgent toujours pas enregistré après le délai d’alerte, au chef de parquet.' },
    INFORMATION_REQUESTED: { description: 'Demande de renseignements du parquet, à l’agent qui a transmis le signalement.' },
    INFORMATION_ANSWERED: { description: 'Réponse de l’administration, au membre du parquet qui a demandé les renseignements et à l’attributaire.' },
    DECISION: { description: 'Décision du parquet (avis de décision disponible), à l’agent qui a transmis le signalement.' },
  },
});

export const NotificationFrequencyEnum = builder.enumType(NotificationFrequency, {
  name: 'NotificationFrequency',
  description: 'Quand un utilisateur reçoit le courriel d’un événement.',
  values: {
    IMMEDIATE: { description: `${FREQUENCY_LABELS.IMMEDIATE} : un courriel par événement (par défaut).` },
    DAILY_DIGEST: { description: `${FREQUENCY_LABELS.DAILY_DIGEST} : un seul courriel par jour qui liste les événements.` },
    NEVER: { description: `${FREQUENCY_LABELS.NEVER} : aucun courriel pour cet événement.` },
  },
});

const NotificationPreferenceRef = builder.objectRef<PreferenceView>('NotificationPreference').implement({
  description: 'Le choix de l’utilisateur connecté pour un événement.',
  fields: (t) => ({
    event: t.expose('event', { type: NotificationEventEnum, description: 'L’événement.' }),
    label: t.string({ description: 'Libellé de l’événement, en français.', resolve: (preference) => EVENT_LABELS[preference.event] }),
    frequency: t.expose('frequency', { type: NotificationFrequencyEnum, description: 'La fréquence qui s’applique.' }),
    changeable: t.boolean({
      description: 'Faux pour l’alerte urgente adressée à la permanence : elle part toujours immédiatement.',
      resolve: (preference) => !isLocked(preference.event),
    }),
    explanation: t.string({
      nullable: true,
      description: 'Pourquoi le choix ne peut pas être changé, le cas échéant.',
      resolve: (preference) => (isLocked(preference.event) ? LOCKED_EXPLANATION : null),
    }),
  }),
});

builder.prismaObjectFields('User', (t) => ({
  notificationPreferences: t.field({
    type: [NotificationPreferenceRef],
    nullable: true,
    description:
      'Les courriels de l’utilisateur connecté, pour chaque événement qui concerne son organisation ; nul pour un autre utilisateur.',
    resolve: (user, _args, context) =>
      context.viewer && context.viewer.userId === user.id ? preferencesOf(context.prisma, context.viewer) : null,
  }),
  onDuty: t.boolean({
    nullable: true,
    description: 'De permanence (magistrat inscrit au tableau par le chef de parquet) ; visible des seuls membres de la même organisation.',
    select: { onDuty: true, organizationId: true },
    resolve: (user, _args, context) => (context.viewer?.organizationId === user.organizationId ? user.onDuty : null),
  }),
}));

builder.mutationFields((t) => ({
  setNotificationPreference: t.field({
    type: NotificationPreferenceRef,
    description:
      'Choisit quand recevoir le courriel d’un événement : immédiatement, dans le récapitulatif quotidien ou jamais. L’alerte urgente de la permanence reste immédiate.',
    authScopes: { loggedIn: true },
    args: {
      event: t.arg({ type: NotificationEventEnum, required: true, description: 'L’événement, parmi ceux de son organisation.' }),
      frequency: t.arg({ type: NotificationFrequencyEnum, required: true, description: 'La fréquence choisie.' }),
    },
    resolve: (_root, args, context) => setPreference(context.prisma, context.viewer!, args.event, args.frequency),
  }),
  setOnDuty: t.prismaField({
    type: UserRef,
    description: 'Inscrit un magistrat du parquet au tableau de permanence, ou l’en retire (chef de parquet) ; consigné au journal.',
    authScopes: { anyRole: ['HEAD'] },
    args: {
      id: t.arg.id({ required: true, description: 'Identifiant global du membre.' }),
      onDuty: t.arg.boolean({ required: true, description: 'De permanence ou non.' }),
    },
    resolve: async (query, _root, args, context) => {
      const id = await setOnDuty(context.prisma, context.viewer!, internalId(args.id, 'User'), args.onDuty);
      return context.prisma.user.findUniqueOrThrow({ ...query, where: { id } });
    },
  }),
}));
