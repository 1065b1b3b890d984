import type { Plugin } from 'graphql-yoga';
import { sessionTokenFromCookie } from '../context.js';
import { CsrfRefusedError, errorBody } from './errors.js';

/**
 * En-tête qu'un client authentifié par le cookie peut poser pour une requête qui n'est pas un POST
 * JSON (un GET, par exemple) : une page d'un autre site ne peut pas le poser sans une requête
 * préliminaire CORS, que seules les origines WEB_ORIGINS passent.
 */
export const CSRF_HEADER = 'X-InfoParquet-CSRF';

/** Types de contenu qu'un formulaire ou un `fetch` inter-sites envoie sans requête préliminaire CORS. */
const SIMPLE_CONTENT_TYPES = new Set(['application/x-www-form-urlencoded', 'multipart/form-data', 'text/plain']);

/**
 * Protection contre la falsification de requêtes inter-sites, la règle de
 * `@graphql-yoga/plugin-csrf-prevention` (non installé) restreinte à ce qui s'en sert : une
 * requête qui porte le cookie de session (que le navigateur joint tout seul) sans en-tête
 * Authorization doit être un POST d'un type de contenu « non simple » (application/json) ou porter
 * l'en-tête CSRF_HEADER. Sinon elle est refusée (403, CSRF_REFUSED) avant toute analyse.
 *
 * Un formulaire HTML d'un autre site (text/plain, multipart/form-data, urlencoded) ou un lien
 * (GET, que SameSite=Lax laisse passer avec le cookie) ne peut donc rien faire au nom de
 * l'utilisateur, pas même une lecture consignée au journal. Les partenaires (Bearer) et le relais
 * de l'application web (Bearer, sans cookie) ne sont pas concernés.
 */
export function useCsrfPrevention(): Plugin {
  const header = CSRF_HEADER.toLowerCase();
  return {
    onRequest({ request, endResponse, fetchAPI }) {
      if (sessionTokenFromCookie(request.headers.get('cookie')) === undefined) return;
      if (request.headers.has('authorization') || request.headers.has(header)) return;
      if (request.method === 'POST' && isPreflightedContentType(request.headers.get('content-type'))) return;
      const error = new CsrfRefusedError(CSRF_HEADER);
      endResponse(new fetchAPI.Response(errorBody(error), { status: 403, headers: { 'content-type': 'application/json; charset=utf-8' } }));
    },
  };
}

function isPreflightedContentType(contentType: string | null): boolean {
  if (!contentType) return false;
  const essence = contentType.split(';')[0]!.trim().toLowerCase();
  return essence !== '' && !SIMPLE_CONTENT_TYPES.has(essence);
}
