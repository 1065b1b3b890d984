import type { Prisma } from '@infoparquet/db';

type Tx = Prisma.TransactionClient;

/**
 * La position d'un lecteur du journal d'audit (ligne `notification_cursor` de ce nom : les courriels,
 * les webhooks), verrouillée jusqu'à la fin de la transaction — une autre instance attend, puis
 * repart de la position avancée. Au premier lancement, elle est créée à la fin du journal :
 * l'historique n'est pas rejoué.
 */
export async function lockJournalCursor(tx: Tx, name: string): Promise<bigint> {
  const read = () => tx.$queryRaw<{ last_event_id: bigint }[]>`
    SELECT last_event_id FROM notification_cursor WHERE name = ${name} FOR UPDATE`;
  let [row] = await read();
  if (!row) {
    await tx.$executeRaw`
      INSERT INTO notification_cursor (name, last_event_id)
      SELECT ${name}, COALESCE(MAX(id), 0) FROM audit_event
      ON CONFLICT (name) DO NOTHING`;
    [row] = await read();
  }
  return BigInt(row!.last_event_id);
}

/**
 * La borne haute du journal, à lire après avoir pris sa position et avant de lire les événements :
 * les identifiants suivent l'ordre des commits (chain.ts), si bien que tout identifiant inférieur
 * est déjà validé ou annulé — aucun événement ne se validera plus tard sous la position.
 */
export async function journalHead(tx: Tx): Promise<bigint> {
  const [head] = await tx.$queryRaw<{ id: bigint | null }[]>`SELECT MAX(id) AS id FROM audit_event`;
  return head?.id === null || head?.id === undefined ? 0n : BigInt(head.id);
}

/** Avance la position (dans la transaction qui l'a verrouillée). */
export async function advanceJournalCursor(tx: Tx, name: string, to: bigint): Promise<void> {
  await tx.notificationCursor.update({ where: { name }, data: { lastEventId: to } });
}
