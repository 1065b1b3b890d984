import type { NotificationEvent, NotificationFrequency, OrganizationKind, Role } from '@infoparquet/db';

/**
 * Les courriels : quels événements, pour qui, et ce que chacun peut choisir. Les destinataires
 * exacts d'un événement sont calculés par le notificateur (notifier.ts).
 */

/** Dans l'ordre où la page « Mes notifications » les présente. */
export const NOTIFICATION_EVENTS = [
  'PROOF_OF_DEPOSIT',
  'INFORMATION_REQUESTED',
  'DECISION',
  'URGENT_RECEIVED',
  'ESCALATION',
  'INFORMATION_ANSWERED',
] as const satisfies readonly NotificationEvent[];

/** Ce que la personne lit sur la page de ses préférences et dans le récapitulatif. */
export const EVENT_LABELS: Record<NotificationEvent, string> = {
  PROOF_OF_DEPOSIT: 'Accusé de réception de mes transmissions',
  INFORMATION_REQUESTED: 'Demande de renseignements du parquet',
  DECISION: 'Décision du parquet',
  URGENT_RECEIVED: 'Nouveau signalement urgent (permanence)',
  ESCALATION: 'Signalement urgent toujours pas enregistré (escalade)',
  INFORMATION_ANSWERED: 'Réponse de l’administration à une demande de renseignements',
};

export const FREQUENCY_LABELS: Record<NotificationFrequency, string> = {
  IMMEDIATE: 'Immédiatement',
  DAILY_DIGEST: 'Récapitulatif quotidien',
  NEVER: 'Jamais',
};

/** Les événements qui peuvent concerner un membre de chaque nature d'organisation. */
export const EVENTS_BY_KIND: Record<OrganizationKind, readonly NotificationEvent[]> = {
  ADMINISTRATION: ['PROOF_OF_DEPOSIT', 'INFORMATION_REQUESTED', 'DECISION'],
  PARQUET: ['URGENT_RECEIVED', 'ESCALATION', 'INFORMATION_ANSWERED'],
  PLATFORM: [],
};

/** Les magistrats : eux seuls sont inscrits à la permanence (DOMAIN.md). */
export const ON_DUTY_ROLES = ['PROSECUTOR', 'HEAD'] as const satisfies readonly Role[];

/**
 * L'alerte d'un urgent à la permanence ne se coupe pas : elle part toujours immédiatement, quelle
 * que soit la préférence enregistrée (le notificateur n'en lit aucune pour cet événement).
 */
export const LOCKED_EVENTS: readonly NotificationEvent[] = ['URGENT_RECEIVED'];

export const LOCKED_EXPLANATION =
  'Une alerte urgente adressée à la permanence part toujours immédiatement : elle ne peut être ni différée ni désactivée.';

export function isLocked(event: NotificationEvent): boolean {
  return LOCKED_EVENTS.includes(event);
}

export function eventsFor(kind: OrganizationKind): readonly NotificationEvent[] {
  return NOTIFICATION_EVENTS.filter((event) => EVENTS_BY_KIND[kind].includes(event));
}

/** La fréquence qui s'applique : IMMEDIATE sans choix enregistré, toujours IMMEDIATE pour une alerte verrouillée. */
export function effectiveFrequency(event: NotificationEvent, stored: NotificationFrequency | undefined): NotificationFrequency {
  if (isLocked(event)) return 'IMMEDIATE';
  return stored ?? 'IMMEDIATE';
}
