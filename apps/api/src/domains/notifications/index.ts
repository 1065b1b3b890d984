import type { PrismaClient } from '@infoparquet/db';
import type { Env } from '../../env.js';
import { startJournalWorker, type JournalWorker } from '../../lib/journal-worker.js';
import type { Realtime } from '../../realtime/index.js';
import { createMailer, type Mailer } from './delivery.js';
import { sendDailyDigests } from './digest.js';
import { processJournal } from './notifier.js';
import { lastDigestSlot } from './schedule.js';
import { sendDueEmails } from './sender.js';

export type NotificationsEnv = Pick<
  Env,
  'NODE_ENV' | 'DATABASE_URL' | 'SMTP_URL' | 'EMAIL_DIR' | 'EMAIL_FROM' | 'APP_URL' | 'DIGEST_HOUR' | 'NOTIFY_POLL_MS' | 'EMAIL_RETRY_BASE_MS' | 'EMAIL_NOTIFICATIONS'
>;

/** Les courriels partent hors des tests, ou quand EMAIL_NOTIFICATIONS=true (tests qui les vérifient). */
export function notificationsEnabled(env: Pick<Env, 'NODE_ENV' | 'EMAIL_NOTIFICATIONS'>): boolean {
  return env.EMAIL_NOTIFICATIONS ?? env.NODE_ENV !== 'test';
}

export type Notifications = JournalWorker;

/**
 * Les courriels d'une instance de l'API. Un tour : le notificateur lit le journal (courriels et
 * lignes de récapitulatif), le récapitulatif quotidien part si son créneau est atteint, puis
 * l'expéditeur vide la boîte d'envoi. Un tour est demandé après chaque commit (signal « le journal
 * a avancé », de cette instance ou d'une autre par Redis) et de toute façon toutes les
 * NOTIFY_POLL_MS millisecondes : c'est aussi ce qui réessaie les courriels refusés à leur échéance.
 * L'arrêt ferme aussi la connexion SMTP.
 */
export function startNotifications(prisma: PrismaClient, env: NotificationsEnv, realtime?: Pick<Realtime, 'signals'>, mailer: Mailer = createMailer(env)): Notifications {
  /** Le dernier créneau du récapitulatif déjà traité par cette instance (aucun au démarrage : rattrapage). */
  let digestedSlot: number | null = null;

  async function turn() {
    await processJournal(prisma, { appUrl: env.APP_URL });
    const slot = lastDigestSlot(new Date(), env.DIGEST_HOUR).getTime();
    if (digestedSlot !== slot) {
      await sendDailyDigests(prisma, new Date(), { appUrl: env.APP_URL, digestHour: env.DIGEST_HOUR });
      digestedSlot = slot;
    }
    await sendDueEmails(prisma, mailer, { retryBaseMs: env.EMAIL_RETRY_BASE_MS });
  }

  const worker = startJournalWorker({ name: 'courriels', turn, pollMs: env.NOTIFY_POLL_MS, realtime });
  return {
    ...worker,
    async stop() {
      await worker.stop();
      mailer.close();
    },
  };
}
