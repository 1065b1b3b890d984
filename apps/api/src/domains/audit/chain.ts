import { AsyncLocalStorage } from 'node:async_hooks';
import { createHash } from 'node:crypto';
import { Prisma, type PrismaClient } from '@infoparquet/db';
import { canonicalJson } from '../../lib/canonical-json.js';

/** Empreinte « précédente » du premier événement du journal. */
export const GENESIS_HASH = '0'.repeat(64);

/**
 * Verrou consultatif de la chaîne : seul celui qui le tient ajoute au journal (`audit_event`), et il
 * le tient jusqu'à son commit. Les identifiants y suivent donc l'ordre des commits (ce que lisent le
 * flux d'événements, le diffuseur et les reprises après déconnexion) et chaque événement porte
 * l'empreinte du précédent. Les écritures ordinaires ne le prennent pas : elles déposent leur
 * événement dans `audit_pending`, que le chaîneur (chainer.ts) verse au journal par lots.
 */
const AUDIT_CHAIN_LOCK = 40_2_2026;

/** Nombre d'événements déposés par l'opération GraphQL en cours (elle attend leur versement). */
const operationAuditWrites = new AsyncLocalStorage<{ count: number }>();

/** Compte dans `writes` les événements que `run` consigne (plusieurs étapes d'une opération peuvent partager un compteur). */
export function countAuditWrites<T>(writes: { count: number }, run: () => T): T {
  return operationAuditWrites.run(writes, run);
}

/**
 * Exécute une opération GraphQL (HTTP : app.ts ; WebSocket : realtime/websocket.ts) en comptant ses
 * événements ; si elle en a consigné, même en échouant (jeton d'API refusé, consigné), elle ne rend
 * la main qu'après `chained()`, leur versement au journal chaîné.
 */
export function awaitChainedWrites<T>(writes: { count: number }, run: () => Promise<T>, chained: () => Promise<void>): Promise<T> {
  return countAuditWrites(writes, async () => {
    try {
      return await run();
    } finally {
      if (writes.count > 0) await chained();
    }
  });
}

export interface AuditEventInput {
  actorId: string | null;
  organizationId: string | null;
  action: string;
  targetType: string;
  targetId: string | null;
  signalementId?: string | null;
  administrationId?: string | null;
  parquetId?: string | null;
  internal?: boolean;
  before?: Record<string, unknown> | null;
  after?: Record<string, unknown> | null;
  /** Jeton d'API par lequel l'opération a été faite (l'acteur est la personne qui l'a créé). */
  apiTokenId?: string | null;
}

interface HashedFields extends Required<AuditEventInput> {
  id: bigint;
  at: Date;
  prevHash: string;
  /** Empreinte de {before, after} ; nulle pour les événements écrits avant qu'elle existe. */
  payloadDigest: string | null;
}

/** Empreinte du contenu d'un événement : ce qui peut être effacé à la purge sans rompre la chaîne. */
export function auditPayloadDigest(before: Record<string, unknown> | null, after: Record<string, unknown> | null): string {
  return createHash('sha256').update(canonicalJson({ before, after })).digest('hex');
}

/**
 * L'empreinte chaînée d'un événement. Depuis l'introduction de `payloadDigest`, elle porte sur
 * l'empreinte du contenu et non sur le contenu : effacer before/after d'un signalement purgé laisse
 * la chaîne intacte. Les événements plus anciens gardent leur formule (contenu haché directement).
 */
export function auditEventHash(event: HashedFields): string {
  const common = {
    id: event.id.toString(),
    at: event.at.toISOString(),
    actorId: event.actorId,
    organizationId: event.organizationId,
    action: event.action,
    targetType: event.targetType,
    targetId: event.targetId,
    signalementId: event.signalementId,
    administrationId: event.administrationId,
    parquetId: event.parquetId,
    internal: event.internal,
  };
  // Le jeton d'API n'entre dans l'empreinte que s'il y en a un : les empreintes d'avant lui ne changent pas.
  const token = event.apiTokenId ? { apiTokenId: event.apiTokenId } : {};
  const payload =
    event.payloadDigest === null
      ? canonicalJson({ ...common, before: event.before, after: event.after })
      : canonicalJson({ ...common, ...token, payloadDigest: event.payloadDigest });
  return createHash('sha256').update(event.prevHash).update('\n').update(payload).digest('hex');
}

/**
 * Consigne un événement, dans la transaction de l'écriture qu'il décrit : une insertion dans la file
 * `audit_pending`, sans verrou. Il rejoint le journal chaîné quand le chaîneur passe (avant la
 * réponse de l'opération GraphQL qui l'a écrit, voir app.ts) ; s'il y a échec, rien n'est écrit.
 * Un événement qui n'accompagne aucune écriture (une consultation) passe le client lui-même :
 * l'insertion seule est sa transaction. Renvoie son numéro dans la file.
 *
 * `alongside`, une insertion SQL (l'étape d'historique d'un signalement), part dans la même
 * instruction, placée en `WITH` : un aller-retour de moins vers la base pour chaque écriture, et
 * l'une n'est jamais écrite sans l'autre.
 */
export async function appendAuditEvent(tx: Pick<Prisma.TransactionClient, '$queryRaw'>, input: AuditEventInput, alongside?: Prisma.Sql): Promise<bigint> {
  const before = jsonSafe(input.before ?? null);
  const after = jsonSafe(input.after ?? null);
  const [row] = await tx.$queryRaw<{ id: bigint }[]>`
    ${alongside ? Prisma.sql`WITH alongside AS (${alongside})` : Prisma.empty}
    INSERT INTO audit_pending (at, actor_id, organization_id, action, target_type, target_id, signalement_id, administration_id,
                               parquet_id, internal, "before", "after", payload_digest, api_token_id)
    VALUES (${new Date()}, ${input.actorId}::uuid, ${input.organizationId}::uuid, ${input.action}, ${input.targetType}, ${input.targetId},
            ${input.signalementId ?? null}::uuid, ${input.administrationId ?? null}::uuid, ${input.parquetId ?? null}::uuid,
            ${input.internal ?? false}, ${jsonParam(before)}::jsonb, ${jsonParam(after)}::jsonb, ${auditPayloadDigest(before, after)},
            ${input.apiTokenId ?? null}::uuid)
    RETURNING id`;
  if (!row) throw new Error('File du journal indisponible.');
  const operation = operationAuditWrites.getStore();
  if (operation) operation.count += 1;
  return row.id;
}

/**
 * Consigne un événement et le chaîne aussitôt, avec tout ce qui attendait, dans la même transaction
 * (qui tient alors le verrou de la chaîne jusqu'à son commit). Pour les rares écritures qui ont besoin
 * du numéro définitif de leur événement (la purge le met sur la pierre tombale) et pour les
 * travailleurs (escalade, désactivation d'un webhook), qu'aucune opération ne suit pour chaîner.
 */
export async function appendChainedAuditEvent(tx: Prisma.TransactionClient, input: AuditEventInput): Promise<bigint> {
  const pendingId = await appendAuditEvent(tx, input);
  for (;;) {
    const chained = await chainPending(tx);
    const id = chained.get(pendingId);
    if (id !== undefined) return id;
    if (chained.size === 0) throw new Error('Événement du journal introuvable dans la file.');
  }
}

interface PendingRow {
  id: bigint;
  at: Date;
  actor_id: string | null;
  organization_id: string | null;
  action: string;
  target_type: string;
  target_id: string | null;
  signalement_id: string | null;
  administration_id: string | null;
  parquet_id: string | null;
  internal: boolean;
  payload_digest: string;
  api_token_id: string | null;
}

/** Taille d'un lot du chaîneur. */
export const CHAIN_BATCH = 500;

/**
 * Verse au journal, dans la transaction donnée et sous le verrou de la chaîne, jusqu'à `limit`
 * événements de la file, dans l'ordre où ils y sont entrés : chacun reçoit son identifiant (séquence
 * du journal), l'empreinte du précédent et la sienne, et quitte la file. Le contenu (before/after)
 * passe d'une table à l'autre dans la base, sans revenir ici. Renvoie, par numéro de file,
 * l'identifiant attribué.
 */
export async function chainPending(tx: Prisma.TransactionClient, limit = CHAIN_BATCH): Promise<Map<bigint, bigint>> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(${AUDIT_CHAIN_LOCK})`;
  // Le lot, la tête de la chaîne et un identifiant par événement, en un aller-retour (après le
  // verrou, dans une instruction à part : son instantané voit tout ce que le précédent a versé).
  const pending = await tx.$queryRaw<(PendingRow & { event_id: bigint; head_hash: string | null })[]>`
    SELECT p.*, nextval(pg_get_serial_sequence('audit_event', 'id')) AS event_id,
           (SELECT hash FROM audit_event ORDER BY id DESC LIMIT 1) AS head_hash
    FROM (
      SELECT id, at, actor_id, organization_id, action, target_type, target_id, signalement_id, administration_id, parquet_id,
             internal, payload_digest, api_token_id
      FROM audit_pending ORDER BY id LIMIT ${limit}
    ) p
    ORDER BY p.id`;
  const assigned = new Map<bigint, bigint>();
  const head = pending[0];
  if (!head) return assigned;
  // Les identifiants pris dans l'ordre croissant, attribués dans l'ordre de la file.
  const ids = pending.map((row) => BigInt(row.event_id)).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  let prevHash = head.head_hash ?? GENESIS_HASH;
  const links = pending.map((row, index) => {
    const id = ids[index]!;
    const hash = auditEventHash({
      id,
      at: row.at,
      prevHash,
      actorId: row.actor_id,
      organizationId: row.organization_id,
      action: row.action,
      targetType: row.target_type,
      targetId: row.target_id,
      signalementId: row.signalement_id,
      administrationId: row.administration_id,
      parquetId: row.parquet_id,
      internal: row.internal,
      apiTokenId: row.api_token_id,
      before: null,
      after: null,
      payloadDigest: row.payload_digest,
    });
    const link = { pending_id: row.id.toString(), id: id.toString(), prev_hash: prevHash, hash };
    prevHash = hash;
    assigned.set(row.id, id);
    return link;
  });
  // Retirés de la file et ajoutés au journal par la même instruction.
  await tx.$executeRaw`
    WITH moved AS (
      DELETE FROM audit_pending p
      USING jsonb_to_recordset(${JSON.stringify(links)}::jsonb) AS x(pending_id bigint, id bigint, prev_hash text, hash text)
      WHERE p.id = x.pending_id
      RETURNING x.id, p.at, p.actor_id, p.organization_id, p.action, p.target_type, p.target_id, p.signalement_id, p.administration_id,
                p.parquet_id, p.internal, p."before", p."after", p.payload_digest, p.api_token_id, x.prev_hash, x.hash
    )
    INSERT INTO audit_event (id, at, actor_id, organization_id, action, target_type, target_id, signalement_id, administration_id,
                             parquet_id, internal, "before", "after", payload_digest, api_token_id, prev_hash, hash)
    SELECT * FROM moved ORDER BY id`;
  return assigned;
}

/** Un objet JSON en paramètre de requête (`null` reste NULL, pas le JSON `null`). */
function jsonParam(value: Record<string, unknown> | null): string | null {
  return value === null ? null : JSON.stringify(value);
}

/** Dates en ISO, clés indéfinies retirées : ce qui est haché est ce que `jsonb` relira. */
function jsonSafe(value: Record<string, unknown> | null): Record<string, unknown> | null {
  return value === null ? null : (JSON.parse(canonicalJson(value)) as Record<string, unknown>);
}

export type ChainVerification =
  | { ok: true; count: number; redacted: number }
  | { ok: false; count: number; brokenAt: bigint; reason: string };

/**
 * Relit tout le journal dans l'ordre et recalcule chaque empreinte ; s'arrête au premier maillon
 * rompu. Un événement expurgé (contenu effacé à la purge) est vérifié sur son empreinte de contenu
 * et compté à part : l'effacement se voit, il ne rompt rien.
 */
export async function verifyAuditChain(prisma: PrismaClient, batchSize = 5000): Promise<ChainVerification> {
  let prevHash = GENESIS_HASH;
  let cursor: bigint | undefined;
  let count = 0;
  let redacted = 0;
  for (;;) {
    const rows = await prisma.auditEvent.findMany({
      where: cursor === undefined ? {} : { id: { gt: cursor } },
      orderBy: { id: 'asc' },
      take: batchSize,
    });
    if (rows.length === 0) return { ok: true, count, redacted };
    for (const row of rows) {
      if (row.prevHash !== prevHash) {
        return { ok: false, count, brokenAt: row.id, reason: `l'empreinte précédente enregistrée (${row.prevHash.slice(0, 12)}…) ne correspond pas à celle de l'événement qui le précède (${prevHash.slice(0, 12)}…)` };
      }
      const before = (row.before as Record<string, unknown> | null) ?? null;
      const after = (row.after as Record<string, unknown> | null) ?? null;
      if (row.payloadDigest !== null && row.redactedAt === null && auditPayloadDigest(before, after) !== row.payloadDigest) {
        return { ok: false, count, brokenAt: row.id, reason: `son contenu ne correspond plus à son empreinte de contenu (${row.payloadDigest.slice(0, 12)}…)` };
      }
      const expected = auditEventHash({ ...row, before, after });
      if (expected !== row.hash) {
        return { ok: false, count, brokenAt: row.id, reason: `son contenu ne correspond plus à son empreinte (attendue ${expected.slice(0, 12)}…, enregistrée ${row.hash.slice(0, 12)}…)` };
      }
      if (row.redactedAt !== null) redacted += 1;
      prevHash = row.hash;
      count += 1;
    }
    cursor = rows[rows.length - 1]!.id;
  }
}
