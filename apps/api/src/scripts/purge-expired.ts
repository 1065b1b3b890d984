/**
 * Purge les signalements dont la durée de conservation (RETENTION_POLICY) est échue, en laissant
 * pour chacun une pierre tombale. `--dry-run` liste sans rien écrire.
 * Code de sortie 0 si tout est purgé, 1 si la configuration est invalide ou si des fichiers de
 * pièces n'ont pas pu être effacés (la base, elle, est purgée : ils sont listés pour reprise).
 */
import { createPrismaClient } from '@infoparquet/db';
import { pieceStorage } from '../domains/pieces/storage.js';
import { RETENTION_CLOCK, type PurgeableStatus } from '../domains/retention/policy.js';
import { purgeExpiredSignalements } from '../domains/retention/purge.js';
import { readEnv } from '../env.js';
import { withDatabaseUrl } from '../lib/database-url.js';

const STATUS_WORDS: Record<PurgeableStatus, string> = { CLOSED: 'clos', WITHDRAWN: 'retiré', DRAFT: 'brouillon' };
const plural = (n: number, word: string, words = `${word}s`) => `${n} ${n > 1 ? words : word}`;

let env: ReturnType<typeof readEnv>;
try {
  env = readEnv();
} catch (error) {
  console.error((error as Error).message);
  process.exit(1);
}
const dryRun = process.argv.includes('--dry-run');

await withDatabaseUrl(env, async (url) => {
  const prisma = createPrismaClient(url, { maxConnections: 2 });
  try {
    const rules = Object.entries(env.RETENTION_POLICY).map(
      ([status, period]) => `${status} ${period.text} après ${RETENTION_CLOCK[status as PurgeableStatus]}`,
    );
    console.info(`Politique de conservation : ${rules.length ? rules.join(' ; ') : 'aucune purge configurée'}.`);
    const report = await purgeExpiredSignalements(prisma, { policy: env.RETENTION_POLICY, storage: pieceStorage(env), dryRun });
    for (const item of report.purged) {
      console.info(`  ${item.reference ?? `brouillon ${item.id}`} (${STATUS_WORDS[item.status]}), ${plural(item.pieceCount, 'pièce')}`);
    }
    const pieces = report.purged.reduce((sum, item) => sum + item.pieceCount, 0);
    if (dryRun) {
      console.info(`Essai à blanc : ${plural(report.purged.length, 'signalement serait purgé', 'signalements seraient purgés')}, rien n’a été écrit.`);
      return;
    }
    console.info(
      `${plural(report.purged.length, 'signalement purgé', 'signalements purgés')}, ${plural(pieces - report.storageFailures.length, 'pièce effacée', 'pièces effacées')}` +
        (report.skipped ? `, ${plural(report.skipped, 'signalement modifié pendant la purge laissé', 'signalements modifiés pendant la purge laissés')} pour le prochain passage` : '') +
        '.',
    );
    if (report.storageFailures.length) {
      console.error(`Fichiers de pièces non effacés (à reprendre dans ${env.STORAGE_DIR}) :`);
      for (const failure of report.storageFailures) console.error(`  ${failure.key} : ${failure.error}`);
      process.exitCode = 1;
    }
  } finally {
    await prisma.$disconnect();
  }
});
