import type { Prisma } from '@infoparquet/db';
import { formatReference } from '@infoparquet/validation';

// Créé une fois : construire un Intl.DateTimeFormat coûte bien plus que s'en servir.
const PARIS_YEAR = new Intl.DateTimeFormat('fr-FR', { timeZone: 'Europe/Paris', year: 'numeric' });

/** L'année de la transmission, à l'heure de Paris : un signalement du 31 décembre à 23 h 30 compte pour l'année qui s'achève. */
export function referenceYear(at: Date): number {
  return Number(PARIS_YEAR.format(at));
}

/**
 * Prend le numéro suivant du compteur du parquet pour l'année, dans la transaction de la
 * transmission. L'upsert verrouille la ligne du compteur jusqu'au commit : deux transmissions
 * simultanées au même parquet se suivent, et une transaction annulée rend son numéro. D'où une
 * suite sans trou ni doublon, quelle que soit la concurrence.
 */
export async function issueReference(
  tx: Prisma.TransactionClient,
  parquet: { id: string; code: string },
  at: Date,
): Promise<string> {
  const year = referenceYear(at);
  const [row] = await tx.$queryRaw<{ last_value: number }[]>`
    INSERT INTO reference_counter (parquet_id, year, last_value)
    VALUES (${parquet.id}::uuid, ${year}, 1)
    ON CONFLICT (parquet_id, year) DO UPDATE SET last_value = reference_counter.last_value + 1
    RETURNING last_value`;
  if (!row) throw new Error('Compteur de références indisponible.');
  return formatReference(year, parquet.code, row.last_value);
}
