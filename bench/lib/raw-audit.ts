import type pg from 'pg';
import { auditEventHash, auditPayloadDigest, GENESIS_HASH } from '../../apps/api/src/domains/audit/chain.js';
import { canonicalJson } from '../../apps/api/src/lib/canonical-json.js';

/**
 * Le journal d'audit écrit à la main, pour les témoins SQL, comme domains/audit/chain.ts et
 * chainer.ts : chaque écriture dépose son événement dans `audit_pending` (une insertion, sans
 * verrou) ; un chaîneur par pool les verse au journal par lots, sous le même verrou consultatif,
 * avec les mêmes empreintes (les fonctions du produit), et l'écriture n'est rendue qu'une fois son
 * événement chaîné — comme une opération GraphQL ne répond qu'après le chaînage.
 */
const AUDIT_CHAIN_LOCK = 40_2_2026; // le même que domains/audit/chain.ts
const CHAIN_BATCH = 500; // le même que domains/audit/chain.ts

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

export async function appendAudit(tx: pg.PoolClient | pg.Pool, event: RawAuditEvent): Promise<void> {
  const before = event.before === null ? null : (JSON.parse(canonicalJson(event.before)) as Record<string, unknown>);
  const after = event.after === null ? null : (JSON.parse(canonicalJson(event.after)) as Record<string, unknown>);
  await tx.query(
    `INSERT INTO audit_pending (at, actor_id, organization_id, action, target_type, target_id, signalement_id, administration_id, parquet_id, internal, before, after, payload_digest)
     VALUES ($1, $2, $3, $4, 'Signalement', $5, $6, $7, $8, $9, $10, $11, $12)`,
    [
      new Date(), event.actorId, event.organizationId, event.action, event.signalementId, event.signalementId, event.administrationId, event.parquetId,
      event.internal ?? false, before === null ? null : JSON.stringify(before), after === null ? null : JSON.stringify(after),
      auditPayloadDigest(before, after),
    ],
  );
}

/** Un lot : verrou, lecture de la file avec la tête et les identifiants, empreintes, insertion et retrait, commit. */
async function chainBatch(pool: pg.Pool): Promise<number> {
  const tx = await pool.connect();
  try {
    await tx.query('BEGIN');
    await tx.query('SELECT pg_advisory_xact_lock($1)', [AUDIT_CHAIN_LOCK]);
    // Comme chainPending : le lot, la tête et les identifiants en une instruction, après le verrou.
    const pending = await tx.query<{ id: string; event_id: string; head_hash: string | null; [column: string]: any }>(
      `SELECT p.*, nextval(pg_get_serial_sequence('audit_event', 'id')) AS event_id,
              (SELECT hash FROM audit_event ORDER BY id DESC LIMIT 1) AS head_hash
       FROM (SELECT id, at, actor_id, organization_id, action, target_type, target_id, signalement_id, administration_id, parquet_id, internal, payload_digest, api_token_id
             FROM audit_pending ORDER BY id LIMIT $1) p
       ORDER BY p.id`,
      [CHAIN_BATCH],
    );
    if (pending.rows.length > 0) {
      const sorted = pending.rows.map((row) => BigInt(row.event_id)).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      let prevHash = pending.rows[0]!.head_hash ?? GENESIS_HASH;
      const links = pending.rows.map((row, index) => {
        const id = sorted[index]!;
        const hash = auditEventHash({
          id, at: row.at, prevHash, actorId: row.actor_id, organizationId: row.organization_id, action: row.action, targetType: row.target_type,
          targetId: row.target_id, signalementId: row.signalement_id, administrationId: row.administration_id, parquetId: row.parquet_id,
          internal: row.internal, apiTokenId: row.api_token_id, before: null, after: null, payloadDigest: row.payload_digest,
        });
        const link = { pending_id: String(row.id), id: id.toString(), prev_hash: prevHash, hash };
        prevHash = hash;
        return link;
      });
      await tx.query(
        `WITH moved AS (
           DELETE FROM audit_pending p USING jsonb_to_recordset($1::jsonb) AS x(pending_id bigint, id bigint, prev_hash text, hash text)
           WHERE p.id = x.pending_id
           RETURNING x.id, p.at, p.actor_id, p.organization_id, p.action, p.target_type, p.target_id, p.signalement_id, p.administration_id,
                     p.parquet_id, p.internal, p.before, p.after, p.payload_digest, p.api_token_id, x.prev_hash, x.hash)
         INSERT INTO audit_event (id, at, actor_id, organization_id, action, target_type, target_id, signalement_id, administration_id, parquet_id, internal, before, after, payload_digest, api_token_id, prev_hash, hash)
         SELECT * FROM moved ORDER BY id`,
        [JSON.stringify(links)],
      );
    }
    await tx.query('COMMIT');
    return pending.rows.length;
  } catch (error) {
    await tx.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    tx.release();
  }
}

/** Validation groupée, comme AuditChainer.flush : un passage à la fois, les demandes arrivées pendant un passage servies par le suivant. */
export class RawChainer {
  private current: Promise<void> | null = null;
  private queued: Promise<void> | null = null;

  constructor(private readonly pool: pg.Pool) {}

  flush(): Promise<void> {
    if (this.queued) return this.queued;
    if (this.current) {
      this.queued = this.current
        .catch(() => {})
        .then(() => {
          this.queued = null;
          return this.flush();
        });
      return this.queued;
    }
    this.current = (async () => {
      while ((await chainBatch(this.pool)) === CHAIN_BATCH);
    })().finally(() => {
      this.current = null;
    });
    return this.current;
  }
}

const chainers = new WeakMap<pg.Pool, RawChainer>();
/** Le chaîneur d'un pool (un par pool, comme un par instance de l'API). */
export function rawChainer(pool: pg.Pool): RawChainer {
  let chainer = chainers.get(pool);
  if (!chainer) chainers.set(pool, (chainer = new RawChainer(pool)));
  return chainer;
}

/** La consultation d'un détail consignée par une insertion seule (sa propre transaction), comme recordView (signalements/repository.ts). */
export async function rawRecordView(
  pool: pg.Pool,
  viewer: { user_id: string; organization_id: string },
  signalement: { id: string; administration_id: string; parquet_id: string | null },
): Promise<void> {
  await appendAudit(pool, {
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
  await rawChainer(pool).flush();
}
