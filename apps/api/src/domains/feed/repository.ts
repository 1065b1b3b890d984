import { Prisma, type OrganizationKind, type PrismaClient, type SignalementStatus } from '@infoparquet/db';
import { BadUserInputError } from '../../errors.js';
import { SIGNALEMENT_EVENT_KINDS, type SignalementEventKind } from '../../realtime/events.js';

/**
 * Le flux d'événements (`events`) : le journal d'audit lu dans l'ordre de ses identifiants, réduit
 * aux changements de signalements que l'organisation du demandeur peut voir — la même règle que les
 * écrans en direct (realtime/events.ts, `visibleSignalementEvent`) : une administration voit les
 * siens hors notes internes du parquet ; un parquet ceux qui lui sont adressés, notes internes
 * comprises, et le transfert qui en fait partir un. Suppressions de brouillons (DELETED) et purges
 * (PURGED) y figurent comme des pierres tombales : la référence, jamais le contenu.
 *
 * Ordre des commits. Un identifiant du journal est pris sous un verrou consultatif tenu jusqu'au
 * commit de la transaction qui l'écrit (audit/chain.ts), et PostgreSQL rend une transaction visible
 * avant de relâcher ses verrous. Donc, dans tout instantané, les identifiants visibles sont tous
 * inférieurs aux identifiants encore en cours d'écriture : un événement qui sera validé plus tard
 * aura un identifiant plus grand que tout ce qu'un lecteur a déjà vu. Paginer par `id > after`
 * ne saute ni ne répète donc rien, même pendant des écritures concurrentes — ce que prouve
 * test/feed.integration.test.ts.
 *
 * Position. Quand une page n'est pas pleine, tout ce qui est visible jusqu'au dernier identifiant
 * du journal dans le même instantané (`head`) a été lu : la position rendue (endCursor) avance
 * jusqu'à lui, si bien qu'un partenaire dont l'organisation est calme ne relit pas, à chaque
 * interrogation, l'intervalle de plus en plus long qui le sépare de son dernier événement.
 *
 * Une seule requête SQL par page, sur les index (administration_id, id) et (parquet_id, id) ; pour
 * un parquet, la recherche des transferts sortants est bornée à l'intervalle de la page.
 */
export interface FeedAudience {
  organizationId: string;
  organizationKind: OrganizationKind;
}

export interface FeedRow {
  id: bigint;
  at: Date;
  kind: SignalementEventKind;
  signalementId: string;
  reference: string | null;
  fromStatus: SignalementStatus | null;
  toStatus: SignalementStatus | null;
}

export interface FeedPage {
  rows: FeedRow[];
  hasNextPage: boolean;
  /** Position atteinte : le dernier événement rendu, ou plus loin si la page n'est pas pleine (voir plus haut). */
  position: bigint | null;
}

const FEED_ACTIONS = Object.keys(SIGNALEMENT_EVENT_KINDS);
const MAX_BIGINT = 2n ** 63n - 1n;

/** Un curseur du flux (l'identifiant d'un événement du journal, en chiffres), ou BAD_USER_INPUT. */
export function parseFeedCursor(after: string | null | undefined, field = 'after'): bigint {
  if (after === null || after === undefined || after === '') return 0n;
  const value = /^\d{1,19}$/.test(after) ? BigInt(after) : null;
  if (value === null || value > MAX_BIGINT) throw new BadUserInputError([{ field, message: 'Curseur d’événement invalide : reprenez celui d’un événement reçu.' }]);
  return value;
}

interface RawRow {
  head: bigint | null;
  id: bigint | null;
  at: Date | null;
  action: string | null;
  signalement_id: string | null;
  reference: string | null;
  from_status: string | null;
  to_status: string | null;
}

const PAGE_COLUMNS = Prisma.sql`
  e.id, e.at, e.action, e.signalement_id::text AS signalement_id,
  COALESCE(s.reference, t.reference) AS reference,
  e.before->>'status' AS from_status, e.after->>'status' AS to_status`;

const PAGE_JOINS = Prisma.sql`
  LEFT JOIN signalement s ON s.id = e.signalement_id
  LEFT JOIN signalement_tombstone t ON t.id = e.signalement_id`;

/** Les événements de la page, selon la nature de l'organisation (au plus `limit`). */
function pageQuery(audience: FeedAudience, after: bigint, limit: number): Prisma.Sql {
  if (audience.organizationKind === 'ADMINISTRATION') {
    return Prisma.sql`
      SELECT ${PAGE_COLUMNS}
      FROM audit_event e ${PAGE_JOINS}
      WHERE e.administration_id = ${audience.organizationId}::uuid AND e.id > ${after}
        AND NOT e.internal AND e.signalement_id IS NOT NULL AND e.action = ANY(${FEED_ACTIONS})
      ORDER BY e.id
      LIMIT ${limit}`;
  }
  return Prisma.sql`
    WITH own AS (
      SELECT id FROM audit_event
      WHERE parquet_id = ${audience.organizationId}::uuid AND id > ${after}
        AND signalement_id IS NOT NULL AND action = ANY(${FEED_ACTIONS})
      ORDER BY id
      LIMIT ${limit}
    ), bound AS (
      -- Page pleine : les transferts sortants ne sont cherchés que jusqu'à son dernier événement.
      SELECT CASE WHEN count(*) = ${limit} THEN max(id) ELSE (SELECT max(id) FROM audit_event) END AS upper FROM own
    ), moved AS (
      SELECT id FROM audit_event
      WHERE id > ${after} AND id <= (SELECT upper FROM bound)
        AND action = 'SIGNALEMENT_TRANSFERRED' AND before->>'parquetId' = ${audience.organizationId}
    )
    SELECT ${PAGE_COLUMNS}
    FROM audit_event e ${PAGE_JOINS}
    WHERE e.id IN (SELECT id FROM own UNION SELECT id FROM moved)
    ORDER BY e.id
    LIMIT ${limit}`;
}

/**
 * Une page du flux d'une organisation, après `after`. La tête du journal est lue dans la même
 * requête, donc le même instantané, que la page : c'est ce qui rend sûre l'avance de la position.
 */
export async function readFeed(prisma: PrismaClient, audience: FeedAudience, after: bigint, first: number): Promise<FeedPage> {
  if (audience.organizationKind !== 'ADMINISTRATION' && audience.organizationKind !== 'PARQUET') {
    return { rows: [], hasNextPage: false, position: after > 0n ? after : null };
  }
  const rows = await prisma.$queryRaw<RawRow[]>`
    SELECT h.head, p.*
    FROM (SELECT max(id) AS head FROM audit_event) h
    LEFT JOIN (${pageQuery(audience, after, first + 1)}) p ON true
    ORDER BY p.id`;
  const found = rows.filter((row) => row.id !== null);
  const page = found.slice(0, first).map(
    (row): FeedRow => ({
      id: BigInt(row.id!),
      at: row.at!,
      kind: SIGNALEMENT_EVENT_KINDS[row.action as keyof typeof SIGNALEMENT_EVENT_KINDS],
      signalementId: row.signalement_id!,
      reference: row.reference,
      fromStatus: row.from_status as SignalementStatus | null,
      toStatus: row.to_status as SignalementStatus | null,
    }),
  );
  const hasNextPage = found.length > first;
  const head = rows[0]?.head === null || rows[0]?.head === undefined ? 0n : BigInt(rows[0].head);
  const last = page.at(-1)?.id ?? 0n;
  const reached = hasNextPage ? last : [last, head, after].reduce((a, b) => (b > a ? b : a));
  return { rows: page, hasNextPage, position: reached > 0n ? reached : null };
}
