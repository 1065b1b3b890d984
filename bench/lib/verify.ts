import type pg from 'pg';

/**
 * L'intégrité des transmissions après un lancement : chaque référence qu'un client a reçue est en
 * base, sur le bon signalement ; aucune référence n'est en double ; chaque suite (parquet, année)
 * est sans trou et s'arrête au compteur.
 */
export interface Integrity {
  /** Transmissions dont le client a reçu la réponse (référence). */
  acknowledged: number;
  /** Signalements transmis en base. */
  transmittedInDb: number;
  /** Acquittées mais absentes ou différentes en base : des pertes. */
  missing: string[];
  /** Références portées par plus d'un signalement (en base ou dans les réponses). */
  duplicates: string[];
  /** Suites (parquet, année) avec un trou ou un compteur qui ne suit pas. */
  gaps: string[];
  /** Transmis en base sans que le client l'ait su (réponse perdue : délai, instance tuée…). */
  unacknowledged: number;
}

export async function checkIntegrity(db: pg.ClientBase | pg.Pool, acknowledged: Map<string, string>): Promise<Integrity> {
  const { rows } = await db.query<{ id: string; reference: string }>(`SELECT id, reference FROM signalement WHERE reference IS NOT NULL`);
  const inDb = new Map(rows.map((row) => [row.id, row.reference]));
  const missing: string[] = [];
  for (const [id, reference] of acknowledged) if (inDb.get(id) !== reference) missing.push(`${reference} (${id})`);
  const duplicates = new Set<string>();
  const seen = new Set<string>();
  for (const reference of [...inDb.values()]) {
    if (seen.has(reference)) duplicates.add(reference);
    seen.add(reference);
  }
  const seenAck = new Map<string, string>();
  for (const [id, reference] of acknowledged) {
    const other = seenAck.get(reference);
    if (other && other !== id) duplicates.add(reference);
    seenAck.set(reference, id);
  }
  const gapRows = await db.query<{ parquet: string; year: string; n: number; last: number; counter: number | null }>(
    `SELECT split_part(s.reference, '-', 3) AS parquet, split_part(s.reference, '-', 2) AS year, count(*)::int AS n,
            max(split_part(s.reference, '-', 4)::int) AS last, max(c.last_value) AS counter
     FROM signalement s
     LEFT JOIN reference_counter c ON c.parquet_id = s.parquet_id AND c.year = split_part(s.reference, '-', 2)::int
     WHERE s.reference IS NOT NULL
     GROUP BY 1, 2
     HAVING count(*) <> max(split_part(s.reference, '-', 4)::int) OR max(c.last_value) IS DISTINCT FROM max(split_part(s.reference, '-', 4)::int)`,
  );
  const gaps = gapRows.rows.map((r) => `${r.parquet} ${r.year} : ${r.n} références, dernière n° ${r.last}, compteur ${r.counter}`);
  let unacknowledged = 0;
  for (const id of inDb.keys()) if (!acknowledged.has(id)) unacknowledged += 1;
  return { acknowledged: acknowledged.size, transmittedInDb: inDb.size, missing, duplicates: [...duplicates], gaps, unacknowledged };
}

export function integrityOk(result: Integrity): boolean {
  return result.missing.length === 0 && result.duplicates.length === 0 && result.gaps.length === 0;
}

export function formatIntegrity(result: Integrity): string {
  const parts = [
    `${result.acknowledged} acquittées, ${result.transmittedInDb} transmises en base`,
    `${result.missing.length} manquante(s)`,
    `${result.duplicates.length} doublon(s)`,
    `${result.gaps.length} suite(s) avec trou`,
  ];
  if (result.unacknowledged) parts.push(`${result.unacknowledged} transmise(s) sans réponse reçue`);
  let text = parts.join(', ');
  if (result.missing.length) text += `\n    manquantes : ${result.missing.slice(0, 10).join(', ')}`;
  if (result.duplicates.length) text += `\n    doublons : ${result.duplicates.slice(0, 10).join(', ')}`;
  if (result.gaps.length) text += `\n    trous : ${result.gaps.slice(0, 10).join(' ; ')}`;
  return text;
}
