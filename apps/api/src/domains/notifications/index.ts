import type { PrismaClient } from '@infoparquet/db';
import type { Env } from '../../env.js';
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

const EMBEDDED_POLL_MS = 5000;

/** Les courriels partent hors des tests, ou quand EMAIL_NOTIFICATIONS=true (tests qui les vérifient). */
export function notificationsEnabled(env: Pick<Env, 'NODE_ENV' | 'EMAIL_NOTIFICATIONS'>): boolean {
  return env.EMAIL_NOTIFICATIONS ?? env.NODE_ENV !== 'test';
}

export interface Notifications {
  /** Un tour tout de suite (journal, récapitulatif dû, boîte d'envoi) ; les demandes se regroupent. */
  wake(): void;
  /** Attend la fin du tour en cours et des tours demandés pendant celui-ci. */
  settle(): Promise<void>;
  /** Arrête les tours, attend celui en cours, ferme la connexion SMTP. */
  stop(): Promise<void>;
}

/**
 * Les courriels d'une instance de l'API. Un tour : le notificateur lit le journal (courriels et
 * lignes de récapitulatif), le récapitulatif quotidien part si son créneau est atteint, puis
 * l'expéditeur vide la boîte d'envoi. Un tour est demandé après chaque commit (signal « le journal
 * a avancé », de cette instance ou d'une autre par Redis) et de toute façon toutes les
 * NOTIFY_POLL_MS millisecondes : c'est aussi ce qui réessaie les courriels refusés à leur échéance.
 */
export function startNotifications(prisma: PrismaClient, env: NotificationsEnv, realtime?: Pick<Realtime, 'signals'>, mailer: Mailer = createMailer(env)): Notifications {
  let running: Promise<void> | null = null;
  let again = false;
  let stopped = false;
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

  function wake() {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    running = turn()
      .catch((error: unknown) => console.error('[courriels] tour impossible', error))
      .finally(() => {
        running = null;
        if (again) {
          again = false;
          wake();
        }
      });
  }

  // Sur la base embarquée (PGlite, sans DATABASE_URL), les connexions partagent un seul moteur qui
  // mêle les requêtes simultanées de protocole étendu : se réveiller au même signal que le diffuseur
  // temps réel, ou trop souvent, ferait échouer des requêtes. On se contente alors d'une relecture
  // toutes les 5 secondes au moins.
  const embedded = !env.DATABASE_URL;
  const timer = setInterval(wake, embedded ? Math.max(env.NOTIFY_POLL_MS, EMBEDDED_POLL_MS) : env.NOTIFY_POLL_MS);
  timer.unref();
  const signals = embedded ? undefined : realtime?.signals.subscribe('journal:advanced');
  if (signals) {
    void (async () => {
      for await (const _signal of signals) wake();
    })();
  }
  wake();

  const settle = async () => {
    while (running) await running;
  };
  return {
    wake,
    settle,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await signals?.return?.();
      await settle();
      mailer.close();
    },
  };
}
