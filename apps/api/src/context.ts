import type { PrismaClient } from '@infoparquet/db';
import type { ClientInfo } from './domains/api-tokens/authenticate.js';
import { sessionAccess, type SessionCache } from './domains/auth/session-cache.js';
import { bearerToken, type Viewer } from './domains/auth/sessions.js';
import type { Env } from './env.js';
import type { Realtime } from './realtime/index.js';

/** Ce que l'instance donne à chaque opération. */
export interface ContextDeps {
  prisma: PrismaClient;
  env: Env;
  realtime: Realtime;
  /**
   * Les sessions gardées en mémoire par l'instance (auth/session-cache.ts) ; une révocation les y
   * oublie. Sans elles, chaque requête relit la sienne en base.
   */
  sessions?: SessionCache | null;
}

/** Contexte de chaque opération GraphQL, le même en HTTP, en SSE et en WebSocket. */
export interface Context extends ContextDeps {
  /** L'utilisateur d'une session valide ; `null` sans jeton ou avec un jeton inconnu, expiré, révoqué. */
  viewer: Viewer | null;
}

/**
 * Le cookie de session des navigateurs : l'application web y range le jeton rendu par `login`
 * (httpOnly, SameSite=Lax), si bien que le JavaScript de la page ne le voit jamais.
 */
export const SESSION_COOKIE = 'ip_session';

/** Le jeton du cookie `ip_session` d'un en-tête `Cookie`, ou `undefined` s'il n'y en a pas. */
export function sessionTokenFromCookie(header: string | null | undefined): string | undefined {
  if (!header) return undefined;
  for (const pair of header.split(';')) {
    const separator = pair.indexOf('=');
    if (separator < 0 || pair.slice(0, separator).trim() !== SESSION_COOKIE) continue;
    const raw = pair.slice(separator + 1).trim().replace(/^"(.*)"$/, '$1');
    if (!raw) return undefined;
    try {
      return decodeURIComponent(raw);
    } catch {
      return raw;
    }
  }
  return undefined;
}

/**
 * Le jeton du cookie d'une requête HTTP de navigateur. Une requête qui porte une origine hors de
 * WEB_ORIGINS (une autre page du même site, SameSite ne l'arrête pas) n'est pas authentifiée par
 * le cookie ; une requête sans origine (rendu côté serveur de l'application web) l'est.
 */
function cookieToken(env: Env, request: { headers: Pick<Headers, 'get'> } | null | undefined): string | undefined {
  const token = sessionTokenFromCookie(request?.headers.get('cookie'));
  if (token === undefined) return undefined;
  const origin = request?.headers.get('origin');
  return origin && !env.WEB_ORIGINS.includes(origin) ? undefined : token;
}

/**
 * Qui fait la requête. Le jeton vient de l'en-tête `Authorization: Bearer …` (partenaires,
 * WebSocket), sinon du cookie `ip_session` de la requête HTTP (navigateurs). Un en-tête présent
 * l'emporte toujours sur le cookie, même mal formé.
 */
export async function createContext(
  deps: ContextDeps,
  authorization: string | null | undefined,
  request?: { headers: Pick<Headers, 'get'> } | null,
  /** L'adresse du client et ce que fait la requête : un jeton d'API y vérifie son réseau et sa portée (et la consigne). */
  client?: ClientInfo,
): Promise<Context> {
  const token = bearerToken(authorization) ?? cookieToken(deps.env, request);
  const viewer = token ? ((await sessionAccess(deps, token, new Date(), client))?.viewer ?? null) : null;
  return { ...deps, viewer };
}
