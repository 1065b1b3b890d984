import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { hashPassword } from '../../apps/api/src/domains/auth/password.js';
import { hashToken, newSessionToken } from '../../apps/api/src/domains/auth/sessions.js';

/**
 * Organisations, comptes et sessions écrits directement en SQL (comme les fabriques des tests,
 * mais par milliers) : les bancs mesurent les opérations, pas la connexion par mot de passe.
 */
export interface Org {
  id: string;
  code: string;
  name: string;
}

export interface Account {
  userId: string;
  organizationId: string;
  role: string;
  token: string;
}

let passwordHash: Promise<string> | undefined;

export async function createOrganizations(
  client: pg.ClientBase | pg.Pool,
  kind: 'PARQUET' | 'ADMINISTRATION',
  entries: { code: string; name: string; departement: string; ressort?: string[] }[],
): Promise<Org[]> {
  const ids = entries.map(() => randomUUID());
  await client.query(
    `INSERT INTO organization (id, kind, code, name, departement, ressort)
     SELECT id, $1::"OrganizationKind", code, name, departement, ARRAY(SELECT jsonb_array_elements_text(ressort))
     FROM unnest($2::uuid[], $3::text[], $4::text[], $5::text[], $6::jsonb[]) AS t(id, code, name, departement, ressort)`,
    [kind, ids, entries.map((e) => e.code), entries.map((e) => e.name), entries.map((e) => e.departement), entries.map((e) => JSON.stringify(e.ressort ?? [e.departement]))],
  );
  return entries.map((entry, index) => ({ id: ids[index]!, code: entry.code, name: entry.name }));
}

/** `count` comptes du rôle donné dans l'organisation, chacun avec une session ouverte 24 h. */
export async function createAccounts(client: pg.ClientBase | pg.Pool, organizationId: string, role: string, count: number, emailPrefix: string): Promise<Account[]> {
  passwordHash ??= hashPassword('banc-d-essai-infoparquet', { N: 1024, r: 8, p: 1 });
  const hash = await passwordHash;
  const userIds = Array.from({ length: count }, () => randomUUID());
  const tokens = userIds.map(() => newSessionToken());
  await client.query(
    `INSERT INTO app_user (id, email, password_hash, first_name, last_name, role, organization_id)
     SELECT id, email, $3, 'Banc', 'Essai ' || ordinality, $4::"Role", $5::uuid
     FROM unnest($1::uuid[], $2::text[]) WITH ORDINALITY AS t(id, email)`,
    [userIds, userIds.map((id) => `${emailPrefix}-${id}@banc.infoparquet`), hash, role, organizationId],
  );
  await client.query(
    `INSERT INTO session (id, token_hash, user_id, created_at, expires_at)
     SELECT gen_random_uuid(), token_hash, user_id, now() - interval '1 minute', now() + interval '24 hours'
     FROM unnest($1::text[], $2::uuid[]) AS t(token_hash, user_id)`,
    [tokens.map(hashToken), userIds],
  );
  return userIds.map((userId, index) => ({ userId, organizationId, role, token: tokens[index]! }));
}

/** Des codes de parquet (lettres seules, comme l'exige la référence) : PARQUETAA, PARQUETAB… */
export function parquetCodes(count: number): string[] {
  return Array.from({ length: count }, (_, n) => `PARQUET${String.fromCharCode(65 + Math.floor(n / 26) % 26)}${String.fromCharCode(65 + (n % 26))}`);
}

/** La saisie d'un signalement comme l'enverrait une administration (10 % d'urgents par défaut). */
export function signalementInput(parquetCode: string, n: number, urgent = false) {
  return {
    parquetCode,
    title: `Tromperie sur l’origine des produits — contrôle n° ${n}`,
    facts:
      'Lors du contrôle du 12 mars, les agents ont constaté que des étiquettes « origine France » étaient apposées sur des produits importés. ' +
      'Le gérant a reconnu avoir procédé au réétiquetage sur instruction de son fournisseur. Procès-verbal de constat joint.',
    factsDate: 'Mars 2026',
    factsFrom: '2026-03-12',
    factsTo: '2026-03-12',
    places: ['77288'],
    natinfCodes: ['7111'],
    persons: [{ kind: 'LEGAL', role: 'SUSPECT', legalName: 'Société Exemple SARL', siren: '130025265' }],
    externalReference: `BANC-${n}`,
    urgent,
    urgencyReason: urgent ? 'DANGER_TO_PERSONS' : null,
  };
}
