import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { contentHash, frozenContent } from '../../apps/api/src/domains/signalements/content-hash.js';
import { referenceYear } from '../../apps/api/src/domains/signalements/reference.js';
import { formatReference } from '@infoparquet/validation';
import { appendAudit, rawChainer } from './raw-audit.js';
import type { signalementInput } from './world.js';

/**
 * Témoin « SQL brut » : la création puis la transmission d'un signalement écrites à la main avec
 * `pg`, mêmes transactions et mêmes écritures que le produit (repository.ts) — signalement,
 * historique, compteur de références, empreinte du contenu, événement d'audit chaîné sous le même
 * verrou consultatif — sans GraphQL, sans Prisma, sans HTTP ; rendue, comme par l'API, une fois son événement chaîné.
 */
type Input = ReturnType<typeof signalementInput>;
interface Actor {
  userId: string;
  organizationId: string;
}

export async function transaction<T>(pool: pg.Pool, work: (tx: pg.PoolClient) => Promise<T>): Promise<T> {
  const tx = await pool.connect();
  try {
    await tx.query('BEGIN');
    const result = await work(tx);
    await tx.query('COMMIT');
    return result;
  } catch (error) {
    await tx.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    tx.release();
  }
}

function contentData(input: Input) {
  return {
    title: input.title,
    facts: input.facts,
    factsDate: input.factsDate,
    factsFrom: new Date(`${input.factsFrom}T00:00:00Z`),
    factsTo: new Date(`${input.factsTo}T00:00:00Z`),
    places: input.places,
    natinfCodes: input.natinfCodes,
    persons: input.persons,
    externalReference: input.externalReference,
    urgent: input.urgent,
    urgencyReason: input.urgencyReason,
    urgencyDetail: null,
  };
}

/** Création du brouillon : parquet cherché par son code, puis une transaction (signalement, historique, audit). */
export async function rawCreateDraft(pool: pg.Pool, actor: Actor, input: Input): Promise<string> {
  const parquet = await pool.query<{ id: string; code: string }>(`SELECT id, code FROM organization WHERE code = $1 AND kind = 'PARQUET'`, [input.parquetCode]);
  const parquetId = parquet.rows[0]!.id;
  const data = contentData(input);
  const created = await transaction(pool, async (tx) => {
    const id = randomUUID();
    await tx.query(
      `INSERT INTO signalement (id, status, administration_id, parquet_id, created_by_id, title, facts, facts_date, facts_from, facts_to,
         places, natinf_codes, persons, external_reference, urgent, urgency_reason, urgency_detail, updated_at)
       VALUES ($1, 'DRAFT', $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, now()) RETURNING *`,
      [id, actor.organizationId, parquetId, actor.userId, data.title, data.facts, data.factsDate, data.factsFrom, data.factsTo, data.places,
        data.natinfCodes, JSON.stringify(data.persons), data.externalReference, data.urgent, data.urgencyReason, null],
    );
    await tx.query(
      `INSERT INTO status_change (id, signalement_id, from_status, to_status, action, actor_id, organization_id) VALUES ($1, $2, NULL, 'DRAFT', 'create', $3, $4) RETURNING *`,
      [randomUUID(), id, actor.userId, actor.organizationId],
    );
    await appendAudit(tx, {
      actorId: actor.userId, organizationId: actor.organizationId, action: 'SIGNALEMENT_CREATED', signalementId: id,
      administrationId: actor.organizationId, parquetId: null, before: null,
      after: { status: 'DRAFT', ...data, parquetCode: input.parquetCode },
    });
    return id;
  });
  await rawChainer(pool).flush();
  return created;
}

/** Transmission : relecture dans le périmètre, puis une transaction (compteur, gel et empreinte, historique, audit). */
export async function rawTransmit(pool: pg.Pool, actor: Actor, id: string): Promise<string> {
  const { rows } = await pool.query(
    `SELECT s.*, p.code AS parquet_code, a.code AS administration_code FROM signalement s
     JOIN organization p ON p.id = s.parquet_id JOIN organization a ON a.id = s.administration_id
     WHERE s.id = $1 AND s.administration_id = $2`,
    [id, actor.organizationId],
  );
  const current = rows[0];
  if (!current || current.status !== 'DRAFT') throw new Error('Signalement introuvable ou déjà transmis.');
  const issued = await transaction(pool, async (tx) => {
    const transmittedAt = new Date();
    const year = referenceYear(transmittedAt);
    const counter = await tx.query<{ last_value: number }>(
      `INSERT INTO reference_counter (parquet_id, year, last_value) VALUES ($1, $2, 1)
       ON CONFLICT (parquet_id, year) DO UPDATE SET last_value = reference_counter.last_value + 1 RETURNING last_value`,
      [current.parquet_id, year],
    );
    const reference = formatReference(year, current.parquet_code, counter.rows[0]!.last_value);
    const hash = contentHash(
      frozenContent(
        {
          title: current.title, facts: current.facts, factsDate: current.facts_date, factsFrom: current.facts_from, factsTo: current.facts_to,
          places: current.places, natinfCodes: current.natinf_codes, persons: current.persons, externalReference: current.external_reference,
          urgent: current.urgent, urgencyReason: current.urgency_reason, urgencyDetail: current.urgency_detail,
        },
        { reference, transmittedAt, administrationCode: current.administration_code, parquetCode: current.parquet_code },
      ),
    );
    const updated = await tx.query(
      `UPDATE signalement SET status = 'TRANSMITTED', reference = $1, content_hash = $2, transmitted_at = $3, version = version + 1, updated_at = now()
       WHERE id = $4 AND version = $5 AND status = 'DRAFT'`,
      [reference, hash, transmittedAt, id, current.version],
    );
    if (updated.rowCount !== 1) throw new Error('Conflit : le signalement a changé.');
    await tx.query(
      `INSERT INTO status_change (id, signalement_id, from_status, to_status, action, actor_id, organization_id) VALUES ($1, $2, 'DRAFT', 'TRANSMITTED', 'transmit', $3, $4)`,
      [randomUUID(), id, actor.userId, actor.organizationId],
    );
    await appendAudit(tx, {
      actorId: actor.userId, organizationId: actor.organizationId, action: 'SIGNALEMENT_TRANSMITTED', signalementId: id,
      administrationId: actor.organizationId, parquetId: current.parquet_id, before: { status: 'DRAFT' },
      after: { status: 'TRANSMITTED', reference, contentHash: hash, transmittedAt, urgent: current.urgent },
    });
    return reference;
  });
  await rawChainer(pool).flush();
  return issued;
}
