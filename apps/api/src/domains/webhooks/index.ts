import type { PrismaClient } from '@infoparquet/db';
import type { Env } from '../../env.js';
import { startJournalWorker, type JournalWorker } from '../../lib/journal-worker.js';
import type { Realtime } from '../../realtime/index.js';
import { dispatchWebhooks } from './dispatcher.js';
import { webhookSecretBox } from './secret-box.js';
import { sendDueWebhooks } from './sender.js';

export type WebhooksEnv = Pick<
  Env,
  | 'NODE_ENV'
  | 'APP_URL'
  | 'WEBHOOK_ALLOWED_HOSTS'
  | 'WEBHOOK_RETRY_BASE_MS'
  | 'WEBHOOK_MAX_FAILURES'
  | 'WEBHOOK_POLL_MS'
  | 'WEBHOOK_DELIVERIES'
  | 'WEBHOOK_SECRET_KEY'
  | 'WEBHOOK_SECRET_KEY_PREVIOUS'
>;

/**
 * Les livraisons partent hors des tests, ou quand WEBHOOK_DELIVERIES=true (tests qui les
 * vérifient). Sur la base embarquée aussi : l'API n'y ouvre qu'une connexion (server.ts), si bien
 * que le travailleur n'y croise aucune requête concurrente.
 */
export function webhooksEnabled(env: Pick<Env, 'NODE_ENV' | 'WEBHOOK_DELIVERIES'>): boolean {
  return env.WEBHOOK_DELIVERIES ?? env.NODE_ENV !== 'test';
}

export type Webhooks = JournalWorker;

/**
 * Les webhooks d'une instance de l'API. Un tour : le répartiteur met en file les livraisons des
 * nouveaux événements du journal, puis l'expéditeur envoie celles qui sont dues. Un tour est
 * demandé après chaque commit (signal « le journal a avancé », de cette instance ou d'une autre
 * par Redis) et de toute façon toutes les WEBHOOK_POLL_MS millisecondes, ce qui réessaie aussi les
 * livraisons refusées à leur échéance.
 */
export function startWebhooks(prisma: PrismaClient, env: WebhooksEnv, realtime?: Pick<Realtime, 'signals'>): Webhooks {
  const options = {
    retryBaseMs: env.WEBHOOK_RETRY_BASE_MS,
    maxFailures: env.WEBHOOK_MAX_FAILURES,
    allowedHosts: env.WEBHOOK_ALLOWED_HOSTS,
    appUrl: env.APP_URL,
    secrets: webhookSecretBox(env),
  };
  async function turn() {
    await dispatchWebhooks(prisma);
    await sendDueWebhooks(prisma, options);
  }
  return startJournalWorker({ name: 'webhooks', turn, pollMs: env.WEBHOOK_POLL_MS, realtime });
}
