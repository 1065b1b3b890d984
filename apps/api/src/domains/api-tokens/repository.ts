import type { ApiTokenScope, PrismaClient } from '@infoparquet/db';
import { z } from 'zod';
import { NotFoundError } from '../../errors.js';
import { appendAuditEvent } from '../audit/chain.js';
import { hashToken, type Viewer } from '../auth/sessions.js';
import { parseNetwork } from './cidr.js';
import { displayPrefix, newApiToken } from './token.js';

/** Limites d'un jeton (docs/API.md). */
export const API_TOKEN_LIMITS = {
  /** Durée de vie maximale : un an (366 jours, pour qu'une échéance au même jour l'an prochain passe toujours). */
  maxLifetimeDays: 366,
  nameMaxLength: 100,
  maxNetworks: 20,
} as const;

const DAY_MS = 24 * 3600 * 1000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** La saisie d'un nouveau jeton, vérifiée à l'instant `now`. */
export function apiTokenInputSchema(now: Date) {
  const latest = new Date(now.getTime() + API_TOKEN_LIMITS.maxLifetimeDays * DAY_MS);
  return z.object({
    name: z
      .string()
      .trim()
      .min(1, 'Nom : champ obligatoire (à quoi sert ce jeton, ex. « Logiciel de suivi DDPP »).')
      .max(API_TOKEN_LIMITS.nameMaxLength, `Nom : ${API_TOKEN_LIMITS.nameMaxLength} caractères au plus.`),
    scopes: z
      .array(z.enum(['READ', 'WRITE']))
      .min(1, 'Portées : au moins une, lecture (READ) ou écriture (WRITE).')
      .transform((scopes) => [...new Set(scopes)] as ApiTokenScope[]),
    expiresAt: z
      .date()
      .refine((date) => date.getTime() > now.getTime(), 'Échéance : une date à venir.')
      .refine((date) => date.getTime() <= latest.getTime(), `Échéance : un an au plus (${API_TOKEN_LIMITS.maxLifetimeDays} jours).`),
    allowedNetworks: z
      .array(z.string())
      .max(API_TOKEN_LIMITS.maxNetworks, `Réseaux autorisés : ${API_TOKEN_LIMITS.maxNetworks} au plus.`)
      .default([])
      .transform((entries, ctx) => {
        const networks: string[] = [];
        entries.forEach((entry, index) => {
          const parsed = parseNetwork(entry);
          if (parsed.ok) networks.push(parsed.text);
          else ctx.addIssue({ code: 'custom', path: [index], message: `Réseau autorisé : ${parsed.message}` });
        });
        return [...new Set(networks)];
      }),
  });
}

export type ApiTokenInputData = z.output<ReturnType<typeof apiTokenInputSchema>>;

/** Crée un jeton pour l'organisation du demandeur ; rend le jeton en clair, qui ne sera plus jamais lisible. */
export async function createApiToken(prisma: PrismaClient, viewer: Viewer, input: ApiTokenInputData): Promise<{ id: string; token: string }> {
  const token = newApiToken();
  const id = await prisma.$transaction(async (tx) => {
    const created = await tx.apiToken.create({
      data: {
        organizationId: viewer.organizationId,
        name: input.name,
        tokenHash: hashToken(token),
        tokenPrefix: displayPrefix(token),
        scopes: input.scopes,
        allowedNetworks: input.allowedNetworks,
        expiresAt: input.expiresAt,
        createdById: viewer.userId,
      },
    });
    await appendAuditEvent(tx, {
      actorId: viewer.userId,
      organizationId: viewer.organizationId,
      action: 'API_TOKEN_CREATED',
      targetType: 'ApiToken',
      targetId: created.id,
      internal: true,
      // Jamais le jeton ni son empreinte : son début suffit à le reconnaître.
      after: { name: created.name, tokenPrefix: created.tokenPrefix, scopes: created.scopes, allowedNetworks: created.allowedNetworks, expiresAt: created.expiresAt },
    });
    return created.id;
  });
  return { id, token };
}

/** Un jeton de l'organisation du demandeur ; celui d'une autre répond comme un inconnu. */
export async function findOwnApiToken(prisma: PrismaClient, viewer: Viewer, id: string | null) {
  const token = id && UUID.test(id) ? await prisma.apiToken.findFirst({ where: { id, organizationId: viewer.organizationId } }) : null;
  if (!token) throw new NotFoundError('Jeton d’API');
  return token;
}

/** Révoque un jeton, avec effet immédiat (la requête suivante est refusée) ; sans effet s'il l'est déjà. */
export async function revokeApiToken(prisma: PrismaClient, viewer: Viewer, id: string): Promise<boolean> {
  return prisma.$transaction(async (tx) => {
    const now = new Date();
    const { count } = await tx.apiToken.updateMany({
      where: { id, organizationId: viewer.organizationId, revokedAt: null },
      data: { revokedAt: now, revokedById: viewer.userId },
    });
    if (count === 0) return false;
    await appendAuditEvent(tx, {
      actorId: viewer.userId,
      organizationId: viewer.organizationId,
      action: 'API_TOKEN_REVOKED',
      targetType: 'ApiToken',
      targetId: id,
      internal: true,
      after: { revokedAt: now },
    });
    return true;
  });
}
