import type { PrismaClient } from '@infoparquet/db';
import { lastDigestSlot } from './schedule.js';
import { digestEmail } from './templates.js';

/** Verrou consultatif : une seule instance à la fois compose les récapitulatifs. */
const DIGEST_LOCK = 40_4_2026;

export const DEFAULT_DIGEST_OPTIONS = { appUrl: 'http://127.0.0.1:3000', digestHour: 8 };

export interface DigestOptions {
  appUrl: string;
  /** Heure du récapitulatif, à Paris. */
  digestHour: number;
}

/**
 * Le récapitulatif quotidien du créneau atteint à `now` (aujourd'hui à DIGEST_HOUR, heure de
 * Paris, ou hier si cette heure n'est pas encore passée) : pour chaque utilisateur actif, un seul
 * courriel qui liste ses événements mis de côté avant ce créneau, rattachés au courriel dans la
 * même transaction. Ce qui arrive après le créneau attend le suivant ; relancé pour le même
 * créneau (autre instance, redémarrage), il ne trouve plus rien à envoyer.
 * Rend le nombre de récapitulatifs mis dans la boîte d'envoi.
 */
export async function sendDailyDigests(prisma: PrismaClient, now: Date = new Date(), options: DigestOptions = DEFAULT_DIGEST_OPTIONS): Promise<number> {
  const slot = lastDigestSlot(now, options.digestHour);
  return prisma.$transaction(
    async (tx) => {
      const [lock] = await tx.$queryRaw<{ locked: boolean }[]>`SELECT pg_try_advisory_xact_lock(${DIGEST_LOCK}) AS locked`;
      if (!lock?.locked) return 0;
      const items = await tx.digestItem.findMany({
        where: { emailId: null, at: { lt: slot }, signalementId: { not: null }, reference: { not: null } },
        orderBy: [{ userId: 'asc' }, { at: 'asc' }, { id: 'asc' }],
      });
      if (items.length === 0) return 0;
      const users = await tx.user.findMany({
        where: { id: { in: [...new Set(items.map((item) => item.userId))] }, active: true },
        select: { id: true, email: true },
      });
      let count = 0;
      for (const user of users) {
        const mine = items.filter((item) => item.userId === user.id);
        const content = digestEmail(
          mine.map((item) => ({ event: item.event, at: item.at, signalementId: item.signalementId!, reference: item.reference!, title: item.title })),
          options.appUrl,
        );
        const email = await tx.outgoingEmail.create({
          data: { toAddress: user.email, userId: user.id, event: null, ...content },
          select: { id: true },
        });
        await tx.digestItem.updateMany({ where: { id: { in: mine.map((item) => item.id) }, emailId: null }, data: { emailId: email.id } });
        count += 1;
      }
      return count;
    },
    { timeout: 60_000 },
  );
}
