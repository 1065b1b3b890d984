import { createHash, randomBytes } from 'node:crypto';
import type { OrganizationKind, PrismaClient, Role } from '@infoparquet/db';
import { authenticateApiToken, type ApiTokenViewer, type ClientInfo } from '../api-tokens/authenticate.js';
import { isApiToken } from '../api-tokens/token.js';

/** Qui fait la requête : l'utilisateur d'une session valide, avec son organisation. */
export interface Viewer {
  userId: string;
  sessionId: string;
  role: Role;
  organizationId: string;
  organizationKind: OrganizationKind;
  organizationCode: string;
  /**
   * Le jeton d'API de la requête, s'il y en a un : `userId` est alors la personne qui l'a créé (elle
   * en répond au journal), `role` le rôle effectif du jeton (api-tokens/permissions.ts) et
   * `sessionId` l'identifiant du jeton.
   */
  apiToken?: ApiTokenViewer;
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function newSessionToken(): string {
  // Préfixe lisible pour qu'un jeton égaré se reconnaisse (comme ghp_ chez GitHub).
  return `ips_${randomBytes(32).toString('base64url')}`;
}

/** Lit le jeton d'un en-tête `Authorization: Bearer …` ; `undefined` s'il n'y en a pas. */
export function bearerToken(header: string | null | undefined): string | undefined {
  if (!header) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1] ?? '';
}

const TOUCH_INTERVAL_MS = 5 * 60 * 1000;

interface SessionRow {
  id: string;
  expires_at: Date;
  revoked_at: Date | null;
  last_used_at: Date | null;
  user_id: string;
  role: Role;
  active: boolean;
  organization_id: string;
  organization_kind: OrganizationKind;
  organization_code: string;
}

/** Une session valide : qui elle authentifie, et jusqu'à quand. */
export interface ValidSession {
  viewer: Viewer;
  expiresAt: Date;
}

/**
 * Retrouve la session d'un jeton, ou le jeton d'API, avec son échéance (une WebSocket se ferme à
 * cette heure) : inconnu, révoqué, expiré ou d'un compte désactivé donne `null`. La date de
 * dernière utilisation d'une session n'est réécrite qu'au plus toutes les cinq minutes.
 */
export async function findAccess(prisma: PrismaClient, token: string, now = new Date(), client: ClientInfo = {}): Promise<ValidSession | null> {
  // Le même en-tête porte un jeton de session (ips_…) ou un jeton d'API (ipk_…), qui a ses propres refus.
  if (!isApiToken(token)) return findSession(prisma, hashToken(token), now);
  const viewer = await authenticateApiToken(prisma, token, { ...client, now });
  return viewer?.apiToken ? { viewer, expiresAt: viewer.apiToken.expiresAt } : null;
}

/** La session valide d'une empreinte de jeton de session (`hashToken`), ou `null`. */
export async function findSession(prisma: PrismaClient, tokenHash: string, now = new Date()): Promise<ValidSession | null> {
  // Une requête (jointure) et non trois : elle précède chaque opération authentifiée.
  const [session] = await prisma.$queryRaw<SessionRow[]>`
    SELECT s.id, s.expires_at, s.revoked_at, s.last_used_at, u.id AS user_id, u.role::text AS role, u.active,
           o.id AS organization_id, o.kind::text AS organization_kind, o.code AS organization_code
    FROM session s JOIN app_user u ON u.id = s.user_id JOIN organization o ON o.id = u.organization_id
    WHERE s.token_hash = ${tokenHash}`;
  if (!session || session.revoked_at || session.expires_at <= now || !session.active) return null;
  if (!session.last_used_at || now.getTime() - session.last_used_at.getTime() > TOUCH_INTERVAL_MS) {
    await prisma.session.update({ where: { id: session.id }, data: { lastUsedAt: now } });
  }
  return {
    viewer: {
      userId: session.user_id,
      sessionId: session.id,
      role: session.role,
      organizationId: session.organization_id,
      organizationKind: session.organization_kind,
      organizationCode: session.organization_code,
    },
    expiresAt: session.expires_at,
  };
}
