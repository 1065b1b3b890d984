import type { PrismaClient } from '@infoparquet/db';
import { retryDelayMs } from '../../lib/retry-delay.js';
import type { Mailer } from './delivery.js';

/**
 * L'expéditeur : il vide la boîte d'envoi (`outgoing_email`). Chaque instance de l'API en fait
 * tourner un ; ils ne se marchent pas dessus :
 *
 * - un courriel dû est « réservé » par une seule requête (`FOR UPDATE SKIP LOCKED` puis report de
 *   son échéance de la durée du bail) : une autre instance ne le voit plus dû, et la remise se fait
 *   hors transaction, sans tenir de verrou pendant l'échange SMTP ;
 * - remis, il passe à SENT ; refusé (serveur absent, 4xx, 5xx…), il reste PENDING avec l'erreur,
 *   le nombre d'essais et une nouvelle échéance qui double à chaque échec (plafonnée) : il n'est
 *   jamais abandonné ni effacé ;
 * - si l'instance s'arrête pendant la remise, le bail expire et un autre expéditeur le reprend.
 *
 * Un courriel peut donc, au pire (arrêt entre la remise et son marquage), partir deux fois ; il
 * porte alors le même Message-ID, que les messageries savent reconnaître. Il n'est jamais perdu.
 */
export interface SenderOptions {
  /** Premier délai avant un nouvel essai ; doublé à chaque échec. */
  retryBaseMs: number;
  /** Délai maximal entre deux essais. */
  maxRetryDelayMs?: number;
  /** Durée de la réservation d'un courriel pendant sa remise (au-delà, un autre expéditeur le reprend). */
  leaseMs?: number;
  /** Courriels remis en parallèle par tour. */
  batchSize?: number;
}

export const MAX_RETRY_DELAY_MS = 15 * 60_000;
const LEASE_MS = 2 * 60_000;
const BATCH = 10;

interface Claimed {
  id: string;
  to_address: string;
  subject: string;
  text: string;
  html: string | null;
  attempts: number;
}

/** Réserve les courriels dus (au plus `limit`) et compte l'essai. */
async function claimDue(prisma: PrismaClient, limit: number, leaseMs: number): Promise<Claimed[]> {
  return prisma.$queryRaw<Claimed[]>`
    UPDATE outgoing_email
    SET attempts = attempts + 1,
        next_attempt_at = now() + ${leaseMs} * interval '1 millisecond'
    WHERE id IN (
      SELECT id FROM outgoing_email
      WHERE status = 'PENDING' AND next_attempt_at <= now()
      ORDER BY next_attempt_at, created_at
      LIMIT ${limit}
      FOR UPDATE SKIP LOCKED
    )
    RETURNING id, to_address, subject, text, html, attempts`;
}

/**
 * Une réponse SMTP 5xx est un refus définitif (RFC 5321, 4.2.1) : adresse inconnue, boîte fermée,
 * message refusé. La réessayer ne changerait rien. Une 4xx ou une panne réseau se réessaie.
 */
function permanentlyRejected(error: unknown): boolean {
  const code = Number((error as { responseCode?: unknown } | null)?.responseCode);
  return code >= 500 && code < 600;
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown; responseCode?: unknown }).responseCode ?? (error as { code?: unknown }).code;
    return `${code ? `${String(code)} ` : ''}${error.message}`.slice(0, 1000);
  }
  return String(error).slice(0, 1000);
}

export interface SendResult {
  sent: number;
  /** Non remis pour l'instant (serveur absent, 4xx) : réessayés plus tard. */
  failed: number;
  /** Refusés définitivement (5xx) : jamais réessayés. */
  rejected: number;
}

/** Remet tous les courriels dus ; rend le nombre de remis, de réessayés et de refusés définitivement. */
export async function sendDueEmails(prisma: PrismaClient, mailer: Mailer, options: SenderOptions): Promise<SendResult> {
  const result: SendResult = { sent: 0, failed: 0, rejected: 0 };
  const limit = options.batchSize ?? BATCH;
  for (;;) {
    const claimed = await claimDue(prisma, limit, options.leaseMs ?? LEASE_MS);
    if (claimed.length === 0) return result;
    // Remises en parallèle, puis leurs résultats écrits un par un (une connexion à la fois).
    const outcomes = await Promise.allSettled(
      claimed.map((email) => mailer.send({ id: email.id, to: email.to_address, subject: email.subject, text: email.text, html: email.html })),
    );
    const sent = claimed.filter((_email, i) => outcomes[i]!.status === 'fulfilled').map((email) => email.id);
    if (sent.length > 0) await prisma.outgoingEmail.updateMany({ where: { id: { in: sent } }, data: { status: 'SENT', sentAt: new Date() } });
    result.sent += sent.length;
    for (const [i, outcome] of outcomes.entries()) {
      if (outcome.status === 'fulfilled') continue;
      const email = claimed[i]!;
      if (permanentlyRejected(outcome.reason)) {
        result.rejected += 1;
        const lastError = describe(outcome.reason);
        console.warn(`[courriels] refusé définitivement par le serveur SMTP, non réessayé : ${lastError}`);
        await prisma.outgoingEmail.update({ where: { id: email.id }, data: { status: 'REJECTED', lastError } });
        continue;
      }
      result.failed += 1;
      const delay = retryDelayMs(email.attempts, options.retryBaseMs, options.maxRetryDelayMs ?? MAX_RETRY_DELAY_MS);
      // L'échéance en temps de la base, comme la réservation (pas d'écart d'horloge entre instances).
      await prisma.$executeRaw`
        UPDATE outgoing_email
        SET last_error = ${describe(outcome.reason)}, next_attempt_at = now() + ${delay} * interval '1 millisecond'
        WHERE id = ${email.id}::uuid`;
    }
    // Un lot incomplet : il ne restait rien d'autre de dû.
    if (claimed.length < limit) return result;
  }
}
