/**
 * Les lectures mesurées par les bancs de lecture (reads.ts, layers.ts) : les documents GraphQL de
 * l'application web, leurs équivalents PostGraphile et le SQL brut qui fait la même chose que l'API.
 */

export const INBOX_STATUSES = ['REGISTERED', 'IN_PROGRESS', 'INFORMATION_REQUESTED'];

export type Scenario = 'urgentQueue' | 'inbox' | 'byReference' | 'administrationList';

export const SCENARIO_LABELS: Record<Scenario, string> = {
  urgentQueue: 'file d’urgence d’un parquet',
  inbox: 'boîte de réception filtrée (20 + total)',
  byReference: 'recherche par référence',
  administrationList: 'liste d’une administration (20 + total)',
};

// ——— Les documents de l'application web (apps/web/src/app/urgences, apps/web/src/app/signalements) ———
/** La liste des signalements : même document pour la boîte de réception d'un parquet et la liste d'une administration. */
export const SIGNALEMENTS_PAGE = `query Signalements($first: Int!, $after: String, $filter: SignalementFilter) {
    signalements(first: $first, after: $after, filter: $filter) {
      totalCount
      edges { node { id reference title status urgent createdAt transmittedAt administration { name } parquet { name } } }
      pageInfo { hasNextPage endCursor }
    }
  }`;
/** Les variables de ces documents, sauf la référence cherchée, tirée au hasard à chaque requête. */
export const API_VARIABLES = {
  urgentQueue: {},
  inbox: { first: 20, filter: { status: INBOX_STATUSES } },
  administrationList: { first: 20 },
} satisfies Partial<Record<Scenario, Record<string, unknown>>>;
export const API_QUERIES: Record<Scenario, string> = {
  urgentQueue: `query UrgentQueue { urgentQueue { id reference title urgencyReason urgencyDetail transmittedAt administration { name } } }`,
  inbox: SIGNALEMENTS_PAGE,
  byReference: `query ByReference($reference: String!) { signalementByReference(reference: $reference) { id reference title status urgent transmittedAt administration { name } parquet { name } } }`,
  administrationList: SIGNALEMENTS_PAGE,
};

const PG_NODE = `id reference title status urgent createdAt transmittedAt organizationByAdministrationId { name } organizationByParquetId { name }`;
export const POSTGRAPHILE_QUERIES: Record<Scenario, string> = {
  urgentQueue: `query($parquetId: UUID!) { allSignalements(condition: { parquetId: $parquetId, status: TRANSMITTED, urgent: true }, orderBy: [TRANSMITTED_AT_ASC, ID_ASC]) {
    nodes { id reference title urgencyReason urgencyDetail transmittedAt organizationByAdministrationId { name } } } }`,
  inbox: `query($parquetId: UUID!, $status: [SignalementStatus!]) { allSignalements(first: 20, condition: { parquetId: $parquetId }, filter: { status: { in: $status } }, orderBy: [CREATED_AT_DESC, ID_DESC]) {
    totalCount nodes { ${PG_NODE} } pageInfo { hasNextPage endCursor } } }`,
  // La référence n'a qu'un index unique (pas de contrainte) : PostGraphile la cherche par condition.
  byReference: `query($reference: String!, $parquetId: UUID!) { allSignalements(first: 1, condition: { reference: $reference, parquetId: $parquetId }) { nodes { ${PG_NODE} } } }`,
  administrationList: `query($administrationId: UUID!) { allSignalements(first: 20, condition: { administrationId: $administrationId }, orderBy: [CREATED_AT_DESC, ID_DESC]) {
    totalCount nodes { ${PG_NODE} } pageInfo { hasNextPage endCursor } } }`,
};

// ——— SQL brut : ce que fait l'API, écrit à la main ———
export const SQL_VIEWER = `SELECT s.id, s.expires_at, s.revoked_at, s.last_used_at, u.id AS user_id, u.role, u.active, o.id AS organization_id, o.kind, o.code
  FROM session s JOIN app_user u ON u.id = s.user_id JOIN organization o ON o.id = u.organization_id WHERE s.token_hash = $1`;
export const SQL_URGENT = `SELECT s.id, s.reference, s.title, s.urgency_reason, s.urgency_detail, s.transmitted_at, a.name AS administration_name
  FROM signalement s JOIN organization a ON a.id = s.administration_id
  WHERE s.parquet_id = $1 AND s.status = 'TRANSMITTED' AND s.urgent ORDER BY s.transmitted_at, s.id`;
const SQL_PAGE_COLUMNS = `s.id, s.reference, s.title, s.status, s.urgent, s.created_at, s.transmitted_at, a.name AS administration_name, p.name AS parquet_name
  FROM signalement s JOIN organization a ON a.id = s.administration_id LEFT JOIN organization p ON p.id = s.parquet_id`;
export const SQL_INBOX = `SELECT ${SQL_PAGE_COLUMNS} WHERE s.parquet_id = $1 AND s.status <> 'DRAFT' AND s.status = ANY($2::"SignalementStatus"[]) ORDER BY s.created_at DESC, s.id DESC LIMIT 21`;
export const SQL_INBOX_COUNT = `SELECT count(*)::int AS n FROM signalement WHERE parquet_id = $1 AND status <> 'DRAFT' AND status = ANY($2::"SignalementStatus"[])`;
export const SQL_BY_REFERENCE = `SELECT s.administration_id, s.parquet_id, ${SQL_PAGE_COLUMNS} WHERE s.reference = $1 AND s.parquet_id = $2 AND s.status <> 'DRAFT'`;
export const SQL_ADMIN_LIST = `SELECT ${SQL_PAGE_COLUMNS} WHERE s.administration_id = $1 ORDER BY s.created_at DESC, s.id DESC LIMIT 21`;
export const SQL_ADMIN_COUNT = `SELECT count(*)::int AS n FROM signalement WHERE administration_id = $1`;

