import { isIP } from 'node:net';
import type { ApiTokenScope, PrismaClient } from '@infoparquet/db';
import { AppError } from '../../errors.js';
import { appendAuditEvent } from '../audit/chain.js';
import { hashToken, type Viewer } from '../auth/sessions.js';
import { addressIn, networkSet } from './cidr.js';
import { apiTokenRole, PERSONAL_OPERATIONS, SCOPE_LABELS } from './permissions.js';

/** Ce que le demandeur sait du jeton d'API de la requête (voir `Viewer.apiToken`). */
export interface ApiTokenViewer {
  id: string;
  scopes: readonly ApiTokenScope[];
  expiresAt: Date;
}

/** Un usage du jeton : la portée qu'il exige et ce qu'il fait, pour le journal. */
export interface TokenUse {
  scope: ApiTokenScope;
  /** « query events », « mutation transmitSignalement », « GET /documents/… »… */
  operation: string;
  /** Les champs racine d'une opération GraphQL. */
  fields?: readonly string[];
}

/** D'où vient la requête et ce qu'elle fait : de quoi vérifier le réseau et la portée d'un jeton d'API. */
export interface ClientInfo {
  /** Adresse IP du client (socket de la requête HTTP ou de la requête d'ouverture de la WebSocket). */
  ip?: string | null;
  /** Calculé seulement pour un jeton d'API (l'analyse du document ne coûte rien aux sessions). */
  use?: () => TokenUse;
}

/**
 * La date de dernière utilisation n'est réécrite qu'au plus une fois par minute (ou quand l'adresse
 * change) : chaque usage est de toute façon consigné, daté et avec son adresse, au journal ; la
 * ligne du jeton n'en garde qu'un résumé pour la liste, sans devenir une ligne chaude réécrite à
 * chaque requête d'un logiciel qui interroge le flux toutes les secondes.
 */
const TOUCH_INTERVAL_MS = 60_000;

const TOKEN_SELECT = {
  id: true,
  organizationId: true,
  scopes: true,
  allowedNetworks: true,
  expiresAt: true,
  revokedAt: true,
  lastUsedAt: true,
  lastUsedIp: true,
  createdById: true,
  createdBy: { select: { active: true } },
  organization: { select: { kind: true, code: true } },
} as const;

type TokenRow = {
  id: string;
  organizationId: string;
  scopes: ApiTokenScope[];
  allowedNetworks: string[];
  expiresAt: Date;
  revokedAt: Date | null;
  lastUsedAt: Date | null;
  lastUsedIp: string | null;
  createdById: string;
  createdBy: { active: boolean };
  organization: { kind: 'ADMINISTRATION' | 'PARQUET' | 'PLATFORM'; code: string };
};

/** Une adresse IPv4 vue à travers une socket IPv6 (::ffff:a.b.c.d) s'écrit comme IPv4. */
export function displayIp(ip: string | null | undefined): string | null {
  if (!ip || !isIP(ip)) return null;
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(ip);
  return mapped ? mapped[1]! : ip;
}

type Refusal = { reason: string; error: AppError };

/**
 * Un jeton refusé arrête la requête entière avant toute exécution : le statut HTTP le dit aussi
 * (401 avec `WWW-Authenticate`, ou 403), en plus du code de l'erreur GraphQL.
 */
function unauthenticated(message: string): AppError {
  return new AppError('UNAUTHENTICATED', message, { http: { status: 401, headers: { 'WWW-Authenticate': 'Bearer error="invalid_token"' } } });
}

function forbidden(message: string): AppError {
  return new AppError('FORBIDDEN', message, { http: { status: 403 } });
}

function refusalOf(row: TokenRow, ip: string | null, use: TokenUse | undefined, now: Date): Refusal | null {
  if (row.revokedAt) return { reason: 'REVOKED', error: unauthenticated('Jeton d’API révoqué.') };
  if (row.expiresAt <= now) return { reason: 'EXPIRED', error: unauthenticated('Jeton d’API expiré.') };
  if (!row.createdBy.active) {
    return {
      reason: 'CREATOR_INACTIVE',
      error: unauthenticated('Jeton d’API inactif : la personne qui l’a créé n’est plus membre active de l’organisation.'),
    };
  }
  if (row.allowedNetworks.length > 0 && !addressIn(networkSet(row.allowedNetworks), ip)) {
    return {
      reason: 'NETWORK',
      error: forbidden(`Jeton d’API utilisé depuis un réseau non autorisé${ip ? ` (${ip})` : ''} : voyez ses réseaux autorisés.`),
    };
  }
  if (use && !row.scopes.includes(use.scope)) {
    return {
      reason: 'SCOPE',
      error: forbidden(`Ce jeton d’API n’a pas la portée ${SCOPE_LABELS[use.scope]} qu’exige cette opération.`),
    };
  }
  const personal = use?.fields?.find((field) => PERSONAL_OPERATIONS.has(field));
  if (personal) {
    return {
      reason: 'PERSONAL_OPERATION',
      error: forbidden(`Opération réservée aux personnes connectées (${personal}) : un jeton d’API ne peut pas la faire.`),
    };
  }
  return null;
}

/**
 * Le demandeur d'un jeton d'API, ou `null` pour un jeton inconnu. Un jeton connu mais refusé lève
 * une erreur qui dit pourquoi : révoqué ou expiré (UNAUTHENTICATED), réseau non autorisé ou portée
 * insuffisante (FORBIDDEN). Chaque usage, accepté ou refusé, est consigné au journal avec
 * l'opération et l'adresse du client.
 */
export async function authenticateApiToken(
  prisma: PrismaClient,
  token: string,
  client: ClientInfo & { now?: Date } = {},
): Promise<Viewer | null> {
  const now = client.now ?? new Date();
  const row = (await prisma.apiToken.findUnique({ where: { tokenHash: hashToken(token) }, select: TOKEN_SELECT })) as TokenRow | null;
  if (!row) return null;
  const ip = displayIp(client.ip);
  const use = client.use?.();
  const refusal = refusalOf(row, ip, use, now);
  if (refusal) {
    if (use) await recordUse(prisma, row, ip, use, now, refusal.reason);
    throw refusal.error;
  }
  const role = apiTokenRole(row.organization.kind, row.scopes);
  if (!role) return null;
  if (use) await recordUse(prisma, row, ip, use, now, null);
  return {
    userId: row.createdById,
    // Les WebSockets ouvertes avec le jeton sont rangées sous son identifiant : sa révocation les ferme.
    sessionId: row.id,
    role,
    organizationId: row.organizationId,
    organizationKind: row.organization.kind,
    organizationCode: row.organization.code,
    apiToken: { id: row.id, scopes: row.scopes, expiresAt: row.expiresAt },
  };
}

async function recordUse(prisma: PrismaClient, row: TokenRow, ip: string | null, use: TokenUse, now: Date, refusedBecause: string | null) {
  const touch =
    refusedBecause === null && (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() >= TOUCH_INTERVAL_MS || row.lastUsedIp !== ip);
  await prisma.$transaction(async (tx) => {
    // La ligne du jeton d'abord, le journal (verrou consultatif) en dernier : le même ordre que toute écriture.
    if (touch) await tx.apiToken.update({ where: { id: row.id }, data: { lastUsedAt: now, lastUsedIp: ip } });
    await appendAuditEvent(tx, {
      actorId: row.createdById,
      organizationId: row.organizationId,
      action: refusedBecause ? 'API_TOKEN_REFUSED' : 'API_TOKEN_USED',
      targetType: 'ApiToken',
      targetId: row.id,
      apiTokenId: row.id,
      internal: true,
      after: { operation: use.operation, scope: use.scope, ip, ...(refusedBecause ? { reason: refusedBecause } : {}) },
    });
  });
}
