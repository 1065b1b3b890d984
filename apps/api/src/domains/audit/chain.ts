import { createHash } from 'node:crypto';
import type { Prisma, PrismaClient } from '@infoparquet/db';
import { canonicalJson } from '../../lib/canonical-json.js';

/** Empreinte « précédente » du premier événement du journal. */
export const GENESIS_HASH = '0'.repeat(64);

/**
 * Verrou consultatif qui sérialise l'ajout au journal. Pris à la fin de chaque transaction
 * d'écriture et tenu jusqu'au commit, il garantit deux choses : chaque événement porte
 * l'empreinte du précédent, et les identifiants suivent l'ordre des commits (ce que lisent le
 * flux d'événements et les reprises après déconnexion).
 */
const AUDIT_CHAIN_LOCK = 40_2_2026;

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

/** Ajoute un événement au journal, dans la transaction de l'écriture qu'il décrit. */
export async function appendAuditEvent(tx: Prisma.TransactionClient, input: AuditEventInput): Promise<bigint> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(${AUDIT_CHAIN_LOCK})`;
  const [head] = await tx.$queryRaw<{ id: bigint; prev_hash: string | null }[]>`
    SELECT nextval(pg_get_serial_sequence('audit_event', 'id')) AS id,
           (SELECT hash FROM audit_event ORDER BY id DESC LIMIT 1) AS prev_hash`;
  if (!head) throw new Error('Séquence du journal indisponible.');
  const fields: HashedFields = {
    id: BigInt(head.id),
    at: new Date(),
    prevHash: head.prev_hash ?? GENESIS_HASH,
    actorId: input.actorId,
    organizationId: input.organizationId,
    action: input.action,
    targetType: input.targetType,
    targetId: input.targetId,
    signalementId: input.signalementId ?? null,
    administrationId: input.administrationId ?? null,
    parquetId: input.parquetId ?? null,
    internal: input.internal ?? false,
    apiTokenId: input.apiTokenId ?? null,
    before: jsonSafe(input.before ?? null),
    after: jsonSafe(input.after ?? null),
    payloadDigest: null,
  };
  fields.payloadDigest = auditPayloadDigest(fields.before, fields.after);
  await tx.auditEvent.create({
    data: {
      ...fields,
      before: (fields.before ?? undefined) as Prisma.InputJsonValue | undefined,
      after: (fields.after ?? undefined) as Prisma.InputJsonValue | undefined,
      hash: auditEventHash(fields),
    },
  });
  return fields.id;
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
