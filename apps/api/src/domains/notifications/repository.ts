import type { NotificationEvent, NotificationFrequency, PrismaClient, Role } from '@infoparquet/db';
import { BadUserInputError, ConflictError, NotFoundError } from '../../errors.js';
import { appendAuditEvent } from '../audit/chain.js';
import type { Viewer } from '../auth/sessions.js';
import { effectiveFrequency, EVENT_LABELS, EVENTS_BY_KIND, eventsFor, FREQUENCY_LABELS, isLocked, ON_DUTY_ROLES } from './rules.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface PreferenceView {
  event: NotificationEvent;
  frequency: NotificationFrequency;
}

const KIND_NAMES = { ADMINISTRATION: 'd’une administration', PARQUET: 'd’un parquet', PLATFORM: 'de l’opérateur de la plateforme' } as const;

/** Les préférences d'un utilisateur pour chaque événement qui concerne son organisation (IMMEDIATE sans choix enregistré). */
export async function preferencesOf(prisma: PrismaClient, viewer: Viewer): Promise<PreferenceView[]> {
  const rows = await prisma.notificationPreference.findMany({ where: { userId: viewer.userId }, select: { event: true, frequency: true } });
  const stored = new Map(rows.map((row) => [row.event, row.frequency]));
  return eventsFor(viewer.organizationKind).map((event) => ({ event, frequency: effectiveFrequency(event, stored.get(event)) }));
}

/** Vérifie le choix (événement de son organisation, alerte urgente jamais coupée), l'enregistre et le consigne. */
export async function setPreference(prisma: PrismaClient, viewer: Viewer, event: NotificationEvent, frequency: NotificationFrequency): Promise<PreferenceView> {
  const relevant = EVENTS_BY_KIND[viewer.organizationKind];
  if (!relevant.includes(event)) {
    const choices = relevant.map((e) => `« ${EVENT_LABELS[e]} »`).join(', ');
    throw new BadUserInputError([
      {
        field: 'event',
        message: `Cet événement ne concerne pas les membres ${KIND_NAMES[viewer.organizationKind]}${choices ? ` : choisissez parmi ${choices}` : ' : aucun courriel ne leur est adressé'}.`,
      },
    ]);
  }
  if (isLocked(event) && frequency !== 'IMMEDIATE') {
    throw new BadUserInputError([
      {
        field: 'frequency',
        message: `Les alertes urgentes adressées à la permanence ne peuvent être ni différées ni désactivées : seule la fréquence « ${FREQUENCY_LABELS.IMMEDIATE} » est possible.`,
      },
    ]);
  }
  await prisma.$transaction(async (tx) => {
    const before = await tx.notificationPreference.findUnique({ where: { userId_event: { userId: viewer.userId, event } }, select: { frequency: true } });
    // Sans choix enregistré, c'est « immédiatement » : le redire ne change rien.
    if ((before?.frequency ?? 'IMMEDIATE') === frequency) return;
    await tx.notificationPreference.upsert({
      where: { userId_event: { userId: viewer.userId, event } },
      create: { userId: viewer.userId, event, frequency },
      update: { frequency },
    });
    await appendAuditEvent(tx, {
      actorId: viewer.userId,
      organizationId: viewer.organizationId,
      action: 'NOTIFICATION_PREFERENCE_CHANGED',
      targetType: 'User',
      targetId: viewer.userId,
      internal: true,
      before: { event, frequency: before?.frequency ?? 'IMMEDIATE' },
      after: { event, frequency },
    });
  });
  return { event, frequency };
}

/**
 * Inscrit un membre du parquet du demandeur au tableau de permanence, ou l'en retire ; consigné
 * au journal. Un membre d'une autre organisation répond comme un identifiant inconnu.
 */
export async function setOnDuty(prisma: PrismaClient, viewer: Viewer, memberId: string | null, onDuty: boolean): Promise<string> {
  const member =
    memberId && UUID.test(memberId)
      ? await prisma.user.findFirst({ where: { id: memberId, organizationId: viewer.organizationId }, select: { id: true, role: true, active: true, onDuty: true } })
      : null;
  if (!member) throw new NotFoundError('Membre');
  if (onDuty && !(ON_DUTY_ROLES as readonly Role[]).includes(member.role)) {
    throw new BadUserInputError([{ field: 'onDuty', message: 'Seul un magistrat (magistrat ou chef de parquet) peut être inscrit à la permanence.' }]);
  }
  if (onDuty && !member.active) {
    throw new BadUserInputError([{ field: 'onDuty', message: 'Ce compte est désactivé : il ne peut pas être inscrit à la permanence.' }]);
  }
  if (member.onDuty === onDuty) return member.id;
  await prisma.$transaction(async (tx) => {
    const { count } = await tx.user.updateMany({ where: { id: member.id, organizationId: viewer.organizationId, onDuty: member.onDuty }, data: { onDuty } });
    if (count === 0) throw new ConflictError('Le tableau de permanence a été modifié entre-temps par quelqu’un d’autre : rechargez la page puis recommencez.');
    await appendAuditEvent(tx, {
      actorId: viewer.userId,
      organizationId: viewer.organizationId,
      action: 'MEMBER_ON_DUTY_CHANGED',
      targetType: 'User',
      targetId: member.id,
      internal: true,
      before: { onDuty: member.onDuty },
      after: { onDuty },
    });
  });
  return member.id;
}
