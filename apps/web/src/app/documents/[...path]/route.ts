import { API_URL, sessionToken } from '@/graphql/server';

/**
 * Relais des documents PDF (accusé de réception…) vers l'API, au même chemin : le jeton est pris
 * dans le cookie httpOnly et posé en `Authorization`, la réponse de l'API (statut, en-têtes de
 * téléchargement, corps) est rendue telle quelle, en flux.
 */
const API_BASE = API_URL.replace(/\/graphql\/?$/, '');
const PASSED_HEADERS = ['content-type', 'content-length', 'content-disposition', 'cache-control', 'x-content-type-options'];

export async function GET(request: Request): Promise<Response> {
  // Le chemin et la requête (`?decision=…` pour l'avis d'une décision remplacée) passent tels quels.
  const { pathname, search } = new URL(request.url);
  const token = await sessionToken();
  const upstream = await fetch(`${API_BASE}${pathname}${search}`, {
    headers: token ? { authorization: `Bearer ${token}` } : {},
    cache: 'no-store',
  });
  const headers = new Headers({ 'cache-control': 'no-store' });
  for (const name of PASSED_HEADERS) {
    const value = upstream.headers.get(name);
    if (value !== null) headers.set(name, value);
  }
  return new Response(upstream.body, { status: upstream.status, headers });
}
