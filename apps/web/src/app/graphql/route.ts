import { API_URL, forwardedFor, sessionToken } from '@/graphql/server';

/**
 * Relais GraphQL du navigateur vers l'API : le jeton est pris dans le cookie httpOnly et posé
 * dans l'en-tête Authorization, si bien qu'aucun script de la page ne le voit jamais. Une
 * requête venue d'une autre origine est refusée (en plus du cookie SameSite=Lax).
 */
export async function POST(request: Request): Promise<Response> {
  const origin = request.headers.get('origin');
  if (origin && new URL(origin).host !== request.headers.get('host')) {
    return Response.json({ errors: [{ message: 'Origine refusée.', extensions: { code: 'FORBIDDEN' } }] }, { status: 403 });
  }
  const token = await sessionToken();
  const upstream = await fetch(API_URL, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: request.headers.get('accept') ?? 'application/graphql-response+json, application/json',
      ...forwardedFor(request.headers),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: await request.text(),
    cache: 'no-store',
  });
  return new Response(upstream.body, {
    status: upstream.status,
    headers: { 'content-type': upstream.headers.get('content-type') ?? 'application/json', 'cache-control': 'no-store' },
  });
}
