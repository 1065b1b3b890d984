import { API_URL, forwardedFor, sessionToken } from '@/graphql/server';

/**
 * Relais des documents (accusé de réception, avis, pièces jointes) vers l'API, au même chemin :
 * le jeton est pris dans le cookie httpOnly et posé en `Authorization`, la réponse de l'API
 * (statut, en-têtes de téléchargement, corps) est rendue telle quelle, en flux. Dans les deux
 * sens : un envoi de pièces (POST) passe aussi en flux, sans être lu en mémoire par le relais.
 */
const API_BASE = API_URL.replace(/\/graphql\/?$/, '');
const PASSED_HEADERS = ['content-type', 'content-length', 'content-disposition', 'cache-control', 'x-content-type-options', 'content-security-policy'];

function relay(upstream: Response): Response {
  const headers = new Headers({ 'cache-control': 'no-store' });
  for (const name of PASSED_HEADERS) {
    const value = upstream.headers.get(name);
    if (value !== null) headers.set(name, value);
  }
  return new Response(upstream.body, { status: upstream.status, headers });
}

export async function GET(request: Request): Promise<Response> {
  // Le chemin et la requête (`?decision=…` pour l'avis d'une décision remplacée) passent tels quels.
  const { pathname, search } = new URL(request.url);
  const token = await sessionToken();
  const upstream = await fetch(`${API_BASE}${pathname}${search}`, {
    headers: { ...forwardedFor(request.headers), ...(token ? { authorization: `Bearer ${token}` } : {}) },
    cache: 'no-store',
  });
  return relay(upstream);
}

/**
 * L'envoi de pièces (multipart/form-data), relayé en flux : le corps de la requête du navigateur
 * est passé tel quel à l'API (`duplex: 'half'`), avec son type et sa longueur. Une requête venue
 * d'une autre origine est refusée, comme pour GraphQL (en plus du cookie SameSite=Lax).
 */
export async function POST(request: Request): Promise<Response> {
  const origin = request.headers.get('origin');
  if (origin && new URL(origin).host !== request.headers.get('host')) {
    return Response.json({ error: 'Origine refusée.', code: 'FORBIDDEN' }, { status: 403 });
  }
  const { pathname, search } = new URL(request.url);
  const token = await sessionToken();
  const headers: Record<string, string> = { ...forwardedFor(request.headers), ...(token ? { authorization: `Bearer ${token}` } : {}) };
  for (const name of ['content-type', 'content-length']) {
    const value = request.headers.get(name);
    if (value !== null) headers[name] = value;
  }
  try {
    const upstream = await fetch(`${API_BASE}${pathname}${search}`, {
      method: 'POST',
      headers,
      body: request.body,
      cache: 'no-store',
      // Le corps part pendant qu'il arrive (requis par fetch pour un corps en flux).
      duplex: 'half',
    } as RequestInit & { duplex: 'half' });
    return relay(upstream);
  } catch {
    return Response.json(
      { error: 'L’envoi n’a pas abouti : la connexion a été interrompue. Réessayez ; si le problème persiste, signalez-le.', code: 'UPLOAD_INTERRUPTED' },
      { status: 502 },
    );
  }
}
