import type { IncomingMessage, ServerResponse } from 'node:http';
import { createContext, type ContextDeps } from '../../context.js';
import { AppError } from '../../errors.js';
import { clientAddress } from '../../security/rate-limit.js';
import type { Viewer } from '../auth/sessions.js';

/**
 * Ce que partagent les routes servies hors GraphQL sur le port de l'API (documents PDF, pièces) :
 * la même authentification que GraphQL (jeton Bearer ou cookie de session), des erreurs en JSON
 * avec le même code qu'en GraphQL et un statut HTTP qui lui correspond.
 */
export const HTTP_STATUS: Record<string, number> = {
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  INVALID_TRANSITION: 409,
};

export function sendJson(res: ServerResponse, status: number, code: string, error: string, headers: Record<string, string> = {}) {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers });
  res.end(JSON.stringify({ error, code }));
}

/** Une erreur de l'application en JSON (`{ error, code }`) ; `false` si ce n'en est pas une. */
export function sendAppError(res: ServerResponse, error: unknown, headers: Record<string, string> = {}): boolean {
  if (!(error instanceof AppError)) return false;
  const code = String(error.extensions.code);
  sendJson(res, HTTP_STATUS[code] ?? 400, code, error.message, headers);
  return true;
}

/** Un segment de chemin décodé ; '' s'il est mal encodé (l'appelant répond alors « introuvable »). */
export function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return '';
  }
}

export function headerValue(req: IncomingMessage, name: string): string | null {
  const value = req.headers[name.toLowerCase()];
  if (value === undefined) return null;
  return Array.isArray(value) ? value.join(', ') : value;
}

/** Le demandeur authentifié, ou `null` après avoir répondu 401. */
export async function authenticate(
  deps: ContextDeps,
  req: IncomingMessage,
  res: ServerResponse,
  headers: Record<string, string> = {},
): Promise<Viewer | null> {
  const get = (name: string) => headerValue(req, name);
  const context = await createContext(deps, get('authorization'), { headers: { get } }, {
    ip: clientAddress(req, deps.env.TRUST_PROXY),
    // Un jeton d'API télécharge (GET) avec la portée READ, dépose ou retire avec la portée WRITE.
    use: () => ({ scope: req.method === 'GET' || req.method === 'HEAD' ? 'READ' : 'WRITE', operation: `${req.method} ${splitUrl(req.url).pathname}` }),
  });
  if (!context.viewer) {
    sendJson(res, 401, 'UNAUTHENTICATED', 'Authentification requise : connectez-vous ou fournissez un jeton valide.', {
      'www-authenticate': 'Bearer',
      ...headers,
    });
    return null;
  }
  return context.viewer;
}

/** Le chemin et la requête d'une URL de requête. */
export function splitUrl(url: string | undefined): { pathname: string; query: URLSearchParams } {
  const raw = url ?? '/';
  const queryAt = raw.indexOf('?');
  return {
    pathname: queryAt === -1 ? raw : raw.slice(0, queryAt),
    query: new URLSearchParams(queryAt === -1 ? '' : raw.slice(queryAt + 1)),
  };
}
