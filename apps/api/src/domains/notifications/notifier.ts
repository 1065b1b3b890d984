import type { NotificationEvent, NotificationFrequency, Prisma, PrismaClient, Role } from '@infoparquet/db';
import { advanceJournalCursor, journalHead, lockJournalCursor } from '../audit/journal-cursor.js';
import { LOGGED_EVENT_SELECT, urgentQueueEffects, type LoggedEvent } from '../../realtime/events.js';
import { effectiveFrequency, ON_DUTY_ROLES } from './rules.js';
import { eventEmail, type EventDetails } from './templates.js';

type Tx = Prisma.TransactionClient;

/**
 * Le notificateur : il lit le journal d'audit après sa position (`notification_cursor`) et, pour
 * chaque événement qui appelle un courriel, met dans la boîte d'envoi un courriel par destinataire
 * (préférence « immédiatement »), une ligne de récapitulatif (« récapitulatif quotidien ») ou rien
 * (« jamais »), puis avance sa position, le tout dans une transaction par lot.
 *
 * - Après le commit, par construction : il ne voit que des événements validés.
 * - Sans trou : les identifiants du journal suivent l'ordre des commits (domains/audit/chain.ts,
 *   verrou consultatif pris avant `nextval` et tenu jusqu'au commit). Il lit d'abord la borne haute,
 *   puis les événements jusqu'à elle ; tout identifiant inférieur à un identifiant validé est déjà
 *   validé ou annulé, donc aucun événement ne peut se valider plus tard sous la position.
 * - Une seule fois : la ligne de position est verrouillée (FOR UPDATE) pendant le lot ; une
 *   autre instance attend, puis repart de la position avancée. Un arrêt entre deux lots ne perd
 *   rien : la position n'avance qu'avec les courriels qu'elle couvre.
 */
export const CURSOR_NAME = 'emails';

/** Les actions du journal qui peuvent donner un courriel. */
export const NOTIFIED_ACTIONS = [
  'SIGNALEMENT_TRANSMITTED',
  'SIGNALEMENT_TRANSFERRED',
  'SIGNALEMENT_URGENCY_CHANGED',
  'SIGNALEMENT_ESCALATED',
  'SIGNALEMENT_INFORMATION_REQUESTED',
  'SIGNALEMENT_INFORMATION_ANSWERED',
  'SIGNALEMENT_DECIDED',
];

const BATCH = 200;

export interface NotifierOptions {
  /** Adresse de l'application web, pour les liens. */
  appUrl: string;
  batchSize?: number;
}

interface Recipient {
  id: string;
  email: string;
}

/** Un courriel à prévoir : un événement, ses destinataires. */
interface Notice {
  event: NotificationEvent;
  recipients: Recipient[];
  details?: EventDetails;
}

interface SignalementMentionRow {
  id: string;
  reference: string | null;
  title: string;
  administrationId: string;
  parquetId: string | null;
  assigneeId: string | null;
}

const RECIPIENT_SELECT = { id: true, email: true } as const;

function activeMembers(tx: Tx, organizationId: string, where: Prisma.UserWhereInput = {}): Promise<Recipient[]> {
  return tx.user.findMany({ where: { ...where, organizationId, active: true }, select: RECIPIENT_SELECT, orderBy: { email: 'asc' } });
}

/** Ces utilisateurs, s'ils sont actifs et membres de cette organisation (jamais ceux d'une autre). */
async function activeAmong(tx: Tx, organizationId: string, ids: (string | null | undefined)[]): Promise<Recipient[]> {
  const wanted = [...new Set(ids.filter((id): id is string => Boolean(id)))];
  if (wanted.length === 0) return [];
  return activeMembers(tx, organizationId, { id: { in: wanted } });
}

/** L'auteur de la dernière étape `action` de l'historique d'un signalement. */
async function lastActor(tx: Tx, signalementId: string, action: string): Promise<string | null> {
  const change = await tx.statusChange.findFirst({ where: { signalementId, action }, orderBy: { at: 'desc' }, select: { actorId: true } });
  return change?.actorId ?? null;
}

/**
 * Côté administration, qui suit le signalement : l'agent qui l'a transmis ; s'il a quitté
 * l'administration (compte désactivé), ses responsables, pour qu'une demande ou une décision ne
 * reste pas sans lecteur.
 */
async function administrationFollowers(tx: Tx, signalement: SignalementMentionRow): Promise<Recipient[]> {
  const transmitter = await activeAmong(tx, signalement.administrationId, [await lastActor(tx, signalement.id, 'transmit')]);
  if (transmitter.length > 0) return transmitter;
  return activeMembers(tx, signalement.administrationId, { role: 'MANAGER' });
}

/** La permanence d'un parquet : ses magistrats de permanence ; à défaut, tous ses magistrats (une alerte urgente doit arriver à quelqu'un). */
async function permanence(tx: Tx, parquetId: string): Promise<Recipient[]> {
  const magistrates = { role: { in: [...ON_DUTY_ROLES] as Role[] } };
  const onDuty = await activeMembers(tx, parquetId, { ...magistrates, onDuty: true });
  return onDuty.length > 0 ? onDuty : activeMembers(tx, parquetId, magistrates);
}

/** Le chef de parquet (ou les chefs) ; à défaut, les magistrats. */
async function parquetHeads(tx: Tx, parquetId: string): Promise<Recipient[]> {
  const heads = await activeMembers(tx, parquetId, { role: 'HEAD' });
  return heads.length > 0 ? heads : activeMembers(tx, parquetId, { role: 'PROSECUTOR' });
}

function field(json: unknown, key: string): unknown {
  return json && typeof json === 'object' ? (json as Record<string, unknown>)[key] : undefined;
}

/** Les courriels qu'appelle un événement du journal. */
async function noticesFor(tx: Tx, event: LoggedEvent, signalement: SignalementMentionRow): Promise<Notice[]> {
  const notices: Notice[] = [];
  const without = (recipients: Recipient[]) => recipients.filter((recipient) => recipient.id !== event.actorId);

  if (event.action === 'SIGNALEMENT_TRANSMITTED') {
    notices.push({ event: 'PROOF_OF_DEPOSIT', recipients: await activeAmong(tx, signalement.administrationId, [event.actorId]) });
  }
  // Un urgent qui entre dans la file d'un parquet (transmis, transféré, ou devenu urgent avant
  // l'enregistrement) : la permanence de ce parquet est alertée, comme l'écran de la file.
  for (const effect of urgentQueueEffects(event)) {
    if (effect.kind === 'ADDED') notices.push({ event: 'URGENT_RECEIVED', recipients: without(await permanence(tx, effect.parquetId)) });
  }
  switch (event.action) {
    case 'SIGNALEMENT_ESCALATED':
      if (event.parquetId) {
        const level = Number(field(event.after, 'escalationCount'));
        notices.push({
          event: 'ESCALATION',
          recipients: await parquetHeads(tx, event.parquetId),
          details: Number.isInteger(level) && level > 0 ? { escalationLevel: level } : {},
        });
      }
      break;
    case 'SIGNALEMENT_INFORMATION_REQUESTED':
      notices.push({ event: 'INFORMATION_REQUESTED', recipients: without(await administrationFollowers(tx, signalement)) });
      break;
    case 'SIGNALEMENT_INFORMATION_ANSWERED':
      // Celui qui a demandé, et la personne à qui le signalement est attribué, s'ils sont du parquet destinataire.
      if (event.parquetId) {
        const requester = await lastActor(tx, signalement.id, 'requestInformation');
        notices.push({ event: 'INFORMATION_ANSWERED', recipients: without(await activeAmong(tx, event.parquetId, [requester, signalement.assigneeId])) });
      }
      break;
    case 'SIGNALEMENT_DECIDED':
      notices.push({ event: 'DECISION', recipients: without(await administrationFollowers(tx, signalement)) });
      break;
  }
  return notices.filter((notice) => notice.recipients.length > 0);
}

export interface BatchResult {
  /** Événements du journal qui appelaient un courriel, traités dans ce lot. */
  events: number;
  emails: number;
  digestItems: number;
  /** Vrai s'il reste des événements à lire. */
  more: boolean;
}

/** Un lot : au plus `batchSize` événements, dans une transaction. */
export async function processJournalBatch(prisma: PrismaClient, options: NotifierOptions): Promise<BatchResult> {
  const batchSize = options.batchSize ?? BATCH;
  return prisma.$transaction(
    async (tx) => {
      // Premier lancement : la position part de la fin du journal, sans annoncer l'historique par courriel.
      const position = await lockJournalCursor(tx, CURSOR_NAME);
      // D'abord la borne haute, puis les événements jusqu'à elle (voir l'en-tête).
      const upTo = await journalHead(tx);
      if (upTo <= position) return { events: 0, emails: 0, digestItems: 0, more: false };
      const events = await tx.auditEvent.findMany({
        where: { id: { gt: position, lte: upTo }, action: { in: NOTIFIED_ACTIONS }, signalementId: { not: null } },
        orderBy: { id: 'asc' },
        take: batchSize,
        select: LOGGED_EVENT_SELECT,
      });
      const signalements = new Map(
        (
          await tx.signalement.findMany({
            where: { id: { in: [...new Set(events.map((event) => event.signalementId!))] } },
            select: { id: true, reference: true, title: true, administrationId: true, parquetId: true, assigneeId: true },
          })
        ).map((row) => [row.id, row]),
      );

      const emails: Prisma.OutgoingEmailCreateManyInput[] = [];
      const digestItems: Prisma.DigestItemCreateManyInput[] = [];
      for (const event of events) {
        const signalement = signalements.get(event.signalementId!);
        // Purgé depuis, ou sans référence (jamais transmis) : rien à annoncer.
        if (!signalement?.reference) continue;
        const mention = { signalementId: signalement.id, reference: signalement.reference, title: signalement.title };
        for (const notice of await noticesFor(tx, event, signalement)) {
          const frequencies = await preferences(tx, notice);
          for (const recipient of notice.recipients) {
            const frequency = effectiveFrequency(notice.event, frequencies.get(recipient.id));
            if (frequency === 'IMMEDIATE') {
              const content = eventEmail(notice.event, mention, options.appUrl, notice.details);
              emails.push({
                toAddress: recipient.email,
                userId: recipient.id,
                event: notice.event,
                ...content,
                signalementId: signalement.id,
                auditEventId: event.id,
              });
            } else if (frequency === 'DAILY_DIGEST') {
              digestItems.push({ userId: recipient.id, event: notice.event, signalementId: signalement.id, reference: signalement.reference, title: signalement.title, at: event.at });
            }
          }
        }
      }
      if (emails.length > 0) await tx.outgoingEmail.createMany({ data: emails });
      if (digestItems.length > 0) await tx.digestItem.createMany({ data: digestItems });
      const more = events.length === batchSize;
      const next = more ? events.at(-1)!.id : upTo;
      await advanceJournalCursor(tx, CURSOR_NAME, next);
      return { events: events.length, emails: emails.length, digestItems: digestItems.length, more };
    },
    { timeout: 60_000 },
  );
}

/** Les choix enregistrés des destinataires pour cet événement. */
async function preferences(tx: Tx, notice: Notice): Promise<Map<string, NotificationFrequency>> {
  const rows = await tx.notificationPreference.findMany({
    where: { event: notice.event, userId: { in: notice.recipients.map((recipient) => recipient.id) } },
    select: { userId: true, frequency: true },
  });
  return new Map(rows.map((row) => [row.userId, row.frequency]));
}

/** Lit le journal jusqu'au bout ; rend le nombre de courriels mis dans la boîte d'envoi. */
export async function processJournal(prisma: PrismaClient, options: NotifierOptions): Promise<number> {
  // Une seule lecture, sans transaction ni verrou, quand rien de nouveau n'a été écrit (le cas courant).
  const [state] = await prisma.$queryRaw<{ position: bigint | null; head: bigint | null }[]>`
    SELECT (SELECT last_event_id FROM notification_cursor WHERE name = ${CURSOR_NAME}) AS position,
           (SELECT MAX(id) FROM audit_event) AS head`;
  if (state?.position !== null && state?.position !== undefined && BigInt(state.head ?? 0) <= BigInt(state.position)) return 0;
  let emails = 0;
  for (;;) {
    const batch = await processJournalBatch(prisma, options);
    emails += batch.emails;
    if (!batch.more) return emails;
  }
}
