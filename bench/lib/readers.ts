import type { Agent } from 'node:http';
import type pg from 'pg';
import { hashToken, newSessionToken } from '../../apps/api/src/domains/auth/sessions.js';
import { gql } from './http.js';
import { API_QUERIES, API_VARIABLES, type Scenario } from './read-queries.js';

/** Un lecteur tiré au hasard dans la base, avec une session ouverte pour le banc. */
export interface Reader {
  token: string;
  userId: string;
  organizationId: string;
}

/**
 * Qui lit, dans les bancs de lecture : des membres de parquets et des agents d'administrations
 * tirés au hasard dans toute la base, et des références tirées dans tous les parquets.
 */
export interface Readers {
  parquetStaff: Reader[];
  agents: Reader[];
  /** Nombre de références tirées. */
  references: number;
  pick<T>(list: T[]): T;
  /** Un membre de parquet et une référence de son parquet. */
  referenceFor(): { viewer: Reader; reference: string };
  /** Ferme les sessions ouvertes pour le banc. */
  close(): Promise<void>;
}

export async function openReaders(pool: pg.Pool, perSide: number): Promise<Readers> {
  const openSessions = async (roles: string[]): Promise<Reader[]> => {
    const { rows } = await pool.query<{ id: string; organization_id: string }>(
      `SELECT id, organization_id FROM app_user WHERE role = ANY($1::"Role"[]) ORDER BY random() LIMIT $2`,
      [roles, perSide],
    );
    const tokens = rows.map(() => newSessionToken());
    await pool.query(
      `INSERT INTO session (id, token_hash, user_id, created_at, expires_at)
       SELECT gen_random_uuid(), h, u, now() - interval '1 minute', now() + interval '12 hours' FROM unnest($1::text[], $2::uuid[]) AS t(h, u)`,
      [tokens.map(hashToken), rows.map((r) => r.id)],
    );
    return rows.map((row, i) => ({ token: tokens[i]!, userId: row.id, organizationId: row.organization_id }));
  };
  const parquetStaff = await openSessions(['CLERK', 'PROSECUTOR', 'HEAD']);
  const agents = await openSessions(['AGENT', 'MANAGER']);
  const sampled = await pool.query<{ parquet_id: string; reference: string }>(
    `SELECT parquet_id, reference FROM signalement TABLESAMPLE SYSTEM (2) WHERE reference IS NOT NULL`,
  );
  const referencesByParquet = new Map<string, string[]>();
  for (const row of sampled.rows) referencesByParquet.set(row.parquet_id, [...(referencesByParquet.get(row.parquet_id) ?? []), row.reference]);
  const staffWithReferences = parquetStaff.filter((s) => referencesByParquet.has(s.organizationId));
  const pick = <T>(list: T[]): T => list[Math.floor(Math.random() * list.length)]!;
  return {
    parquetStaff,
    agents,
    references: sampled.rowCount ?? 0,
    pick,
    referenceFor() {
      const viewer = pick(staffWithReferences);
      return { viewer, reference: pick(referencesByParquet.get(viewer.organizationId)!) };
    },
    async close() {
      await pool.query(`DELETE FROM session WHERE token_hash = ANY($1::text[])`, [[...parquetStaff, ...agents].map((s) => hashToken(s.token))]);
    },
  };
}

/** Les quatre lectures de l'application web, par l'API à `url`, chacune par un lecteur tiré au hasard. */
export function apiReads(url: string, readers: Readers, http: Agent): Record<Scenario, () => Promise<unknown>> {
  const { pick, parquetStaff, agents } = readers;
  return {
    urgentQueue: () => gql(url, pick(parquetStaff).token, API_QUERIES.urgentQueue, API_VARIABLES.urgentQueue, http),
    inbox: () => gql(url, pick(parquetStaff).token, API_QUERIES.inbox, API_VARIABLES.inbox, http),
    byReference: () => {
      const { viewer, reference } = readers.referenceFor();
      return gql(url, viewer.token, API_QUERIES.byReference, { reference }, http);
    },
    administrationList: () => gql(url, pick(agents).token, API_QUERIES.administrationList, API_VARIABLES.administrationList, http),
  };
}
