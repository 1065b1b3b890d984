import type pg from 'pg';
import { auditEventHash, auditPayloadDigest, GENESIS_HASH } from '../../apps/api/src/domains/audit/chain.js';
import { canonicalJson } from '../../apps/api/src/lib/canonical-json.js';

/**
 * L'ajout au journal d'audit écrit à la main, pour les témoins SQL : même verrou consultatif que
 * domains/audit/chain.ts (tenu jusqu'au commit), même lecture de la tête de chaîne, mêmes
 * empreintes (les fonctions du produit).
 */
const AUDIT_CHAIN_LOCK = 40_2_2026; // le même que domains/audit/chain.ts

export interface RawAuditEvent {
  actorId: string;
  organizationId: string;
  action: string;
  signalementId: string;
  administrationId: string;
  parquetId: string | null;
  internal?: boolean;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
}

export async function appendAudit(tx: pg.PoolClient, event: RawAuditEvent): Promise<void> {
  await tx.query('SELECT pg_advisory_xact_lock($1)', [AUDIT_CHAIN_LOCK]);
  const { rows } = await tx.query<{ id: string; prev_hash: string | null }>(
    `SELECT nextval(pg_get_serial_sequence('audit_event', 'id')) AS id, (SELECT hash FROM audit_event ORDER BY id DESC LIMIT 1) AS prev_hash`,
  );
  const before = event.before === null ? null : (JSON.parse(canonicalJson(event.before)) as Record<string, unknown>);
  const after = event.after === null ? null : (JSON.parse(canonicalJson(event.after)) as Record<string, unknown>);
  const fields = {
    id: BigInt(rows[0]!.id),
    at: new Date(),
    prevHash: rows[0]!.prev_hash ?? GENESIS_HASH,
    actorId: event.actorId,
    organizationId: event.organizationId,
    action: event.action,
    targetType: 'Signalement',
    targetId: event.signalementId,
    signalementId: event.signalementId,
    administrationId: event.administrationId,
    parquetId: event.parquetId,
    internal: event.internal ?? false,
    apiTokenId: null,
    before,
    after,
    payloadDigest: auditPayloadDigest(before, after),
  };
  await tx.query(
    `INSERT INTO audit_event (id, at, actor_id, organization_id, action, target_type, target_id, signalement_id, administration_id, parquet_id, internal, before, after, payload_digest, prev_hash, hash)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)`,
    [
      fields.id.toString(), fields.at, fields.actorId, fields.organizationId, fields.action, fields.targetType, fields.targetId,
      fields.signalementId, fields.administrationId, fields.parquetId, fields.internal, before === null ? null : JSON.stringify(before),
      after === null ? null : JSON.stringify(after), fields.payloadDigest, fields.prevHash, auditEventHash(fields),
    ],
  );
}

/** La consultation d'un détail consignée dans sa propre transaction, comme recordView (signalements/repository.ts). */
export async function rawRecordView(
  pool: pg.Pool,
  viewer: { user_id: string; organization_id: string },
  signalement: { id: string; administration_id: string; parquet_id: string | null },
): Promise<void> {
  const tx = await pool.connect();
  try {
    await tx.query('BEGIN');
    await appendAudit(tx, {
      actorId: viewer.user_id,
      organizationId: viewer.organization_id,
      action: 'SIGNALEMENT_VIEWED',
      signalementId: signalement.id,
      administrationId: signalement.administration_id,
      parquetId: signalement.parquet_id,
      internal: true,
      before: null,
      after: null,
    });
    await tx.query('COMMIT');
  } catch (error) {
    await tx.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    tx.release();
  }
}
