import type { AuditEvent, SignalementStatus } from '@infoparquet/db';
import type { Viewer } from '../domains/auth/sessions.js';
import { isParquetStaff } from '../domains/signalements/permissions.js';

/**
 * Ce que voient les écrans en direct, tiré du journal d'audit : chaque ligne du journal qui
 * décrit un changement de signalement devient un événement, avec le curseur de sa ligne. Le
 * journal est la boîte d'envoi : rien n'est publié qui n'y soit d'abord écrit, dans la
 * transaction du changement.
 */
export const SIGNALEMENT_EVENT_KINDS = {
  SIGNALEMENT_CREATED: 'CREATED',
  SIGNALEMENT_UPDATED: 'UPDATED',
  SIGNALEMENT_DELETED: 'DELETED',
  SIGNALEMENT_TRANSMITTED: 'TRANSMITTED',
  SIGNALEMENT_WITHDRAWN: 'WITHDRAWN',
  SIGNALEMENT_TRANSFERRED: 'TRANSFERRED',
  SIGNALEMENT_REGISTERED: 'REGISTERED',
  SIGNALEMENT_ASSIGNED: 'ASSIGNED',
  SIGNALEMENT_INFORMATION_REQUESTED: 'INFORMATION_REQUESTED',
  SIGNALEMENT_INFORMATION_ANSWERED: 'INFORMATION_ANSWERED',
  SIGNALEMENT_DECIDED: 'DECIDED',
  SIGNALEMENT_REOPENED: 'REOPENED',
  SIGNALEMENT_CLOSED: 'CLOSED',
  SIGNALEMENT_URGENCY_CHANGED: 'URGENCY_CHANGED',
  SIGNALEMENT_ESCALATED: 'ESCALATED',
  SIGNALEMENT_PURGED: 'PURGED',
  PIECE_ADDED: 'PIECE_ADDED',
} as const;

export type SignalementEventKind = (typeof SIGNALEMENT_EVENT_KINDS)[keyof typeof SIGNALEMENT_EVENT_KINDS];
export type UrgentQueueEventKind = 'ADDED' | 'REMOVED' | 'UPDATED' | 'ESCALATED';

export const LIFECYCLE_ACTIONS = Object.keys(SIGNALEMENT_EVENT_KINDS);

/** Une ligne du journal, telle que la lit le diffuseur. */
export type LoggedEvent = Pick<
  AuditEvent,
  'id' | 'at' | 'actorId' | 'action' | 'signalementId' | 'administrationId' | 'parquetId' | 'internal' | 'before' | 'after'
>;

/** Les colonnes d'une ligne du journal que lisent le diffuseur, le notificateur et les webhooks. */
export const LOGGED_EVENT_SELECT = {
  id: true,
  at: true,
  actorId: true,
  action: true,
  signalementId: true,
  administrationId: true,
  parquetId: true,
  internal: true,
  before: true,
  after: true,
} as const satisfies Record<keyof LoggedEvent, true>;

function field(json: unknown, key: string): unknown {
  return json && typeof json === 'object' ? (json as Record<string, unknown>)[key] : undefined;
}

const status = (json: unknown) => (field(json, 'status') as SignalementStatus | undefined) ?? null;

/** Effets d'un événement sur les files d'urgence : quels parquets voient quoi. */
export function urgentQueueEffects(event: LoggedEvent): { parquetId: string; kind: UrgentQueueEventKind }[] {
  const parquetId = event.parquetId;
  if (!parquetId) return [];
  const wasUrgent = field(event.before, 'urgent');
  const isUrgent = field(event.after, 'urgent') === true;
  const from = status(event.before);
  switch (event.action) {
    case 'SIGNALEMENT_TRANSMITTED':
      return isUrgent ? [{ parquetId, kind: 'ADDED' }] : [];
    case 'SIGNALEMENT_TRANSFERRED': {
      if (!isUrgent) return [];
      const previous = field(event.before, 'parquetId') as string | undefined;
      return [...(previous && previous !== parquetId ? [{ parquetId: previous, kind: 'REMOVED' as const }] : []), { parquetId, kind: 'ADDED' }];
    }
    case 'SIGNALEMENT_REGISTERED':
    case 'SIGNALEMENT_WITHDRAWN':
      return from === 'TRANSMITTED' && isUrgent ? [{ parquetId, kind: 'REMOVED' }] : [];
    case 'SIGNALEMENT_URGENCY_CHANGED':
      if (from !== 'TRANSMITTED') return [];
      if (isUrgent && wasUrgent !== true) return [{ parquetId, kind: 'ADDED' }];
      if (!isUrgent && wasUrgent === true) return [{ parquetId, kind: 'REMOVED' }];
      return isUrgent ? [{ parquetId, kind: 'UPDATED' }] : [];
    case 'SIGNALEMENT_ESCALATED':
      return [{ parquetId, kind: 'ESCALATED' }];
    default:
      return [];
  }
}

/** Le changement de signalement qu'un demandeur peut voir dans `signalementEvents`, ou `null`. */
export function visibleSignalementEvent(event: LoggedEvent, viewer: Viewer): SignalementEventKind | null {
  const kind = SIGNALEMENT_EVENT_KINDS[event.action as keyof typeof SIGNALEMENT_EVENT_KINDS];
  if (!kind || !event.signalementId) return null;
  if (viewer.organizationKind === 'ADMINISTRATION') {
    return event.administrationId === viewer.organizationId && !event.internal ? kind : null;
  }
  if (isParquetStaff(viewer)) {
    if (event.parquetId === viewer.organizationId) return kind;
    // Le parquet qui transfère apprend que le signalement l'a quitté.
    if (event.action === 'SIGNALEMENT_TRANSFERRED' && field(event.before, 'parquetId') === viewer.organizationId) return kind;
  }
  return null;
}

export function statusesOf(event: LoggedEvent): { fromStatus: SignalementStatus | null; toStatus: SignalementStatus | null } {
  return { fromStatus: status(event.before), toStatus: status(event.after) };
}
