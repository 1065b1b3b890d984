/**
 * Vérifie la chaîne d'empreintes du journal d'audit et nomme le premier maillon rompu.
 * Code de sortie 0 si le journal est intact, 1 sinon.
 */
import { createPrismaClient } from '@infoparquet/db';
import { verifyAuditChain } from '../domains/audit/chain.js';
import { chainAllPending } from '../domains/audit/chainer.js';
import { readEnv } from '../env.js';
import { withDatabaseUrl } from '../lib/database-url.js';

const env = readEnv();
await withDatabaseUrl(env, async (url) => {
  const prisma = createPrismaClient(url, { maxConnections: 2 });
  try {
    // Ce qui attend encore dans la file (instance arrêtée avant son chaîneur) est chaîné d'abord.
    await chainAllPending(prisma);
    const result = await verifyAuditChain(prisma);
    if (result.ok) {
      const redacted = result.redacted ? ` (dont ${result.redacted} au contenu effacé par la purge, empreintes intactes)` : '';
      console.info(`Journal d'audit intact : ${result.count} événements vérifiés${redacted}.`);
      process.exitCode = 0;
    } else {
      console.error(`Journal d'audit ALTÉRÉ : premier maillon rompu à l'événement n° ${result.brokenAt} — ${result.reason}.`);
      console.error(`(${result.count} événements intacts avant lui.)`);
      process.exitCode = 1;
    }
  } finally {
    await prisma.$disconnect();
  }
});
