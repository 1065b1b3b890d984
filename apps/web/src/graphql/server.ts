import 'server-only';
import { cookies, headers } from 'next/headers';
import { print } from 'graphql';
import type { TadaDocumentNode } from 'gql.tada';

export const SESSION_COOKIE = 'ip_session';
export const API_URL = process.env.API_URL ?? 'http://127.0.0.1:4000/graphql';

/**
 * Où le navigateur ouvre sa WebSocket : API_PUBLIC_WS_URL s'il est défini (derrière un
 * mandataire), sinon l'hôte de la page et le port de API_URL. Lu à chaque requête, pas à la construction.
 */
export function realtimeEndpoint(): { url: string | null; port: string } {
  return { url: process.env.API_PUBLIC_WS_URL ?? null, port: new URL(API_URL).port || '80' };
}

export interface ApiError {
  message: string;
  extensions?: { code?: string; fields?: { field: string; message: string }[] };
}

export type ApiResult<Data> = { data: Data; errors?: undefined } | { data?: Data | null; errors: ApiError[] };

/** Le jeton de session du navigateur, lu côté serveur dans son cookie httpOnly. */
export async function sessionToken(): Promise<string | undefined> {
  return (await cookies()).get(SESSION_COOKIE)?.value;
}

/**
 * L'adresse du navigateur, transmise à l'API dans `X-Forwarded-For` : sans elle, toutes les requêtes
 * relayées viendraient de l'adresse du serveur Next.js et partageraient une seule limite de débit
 * par adresse. Next.js (`next start`) ajoute l'adresse de la socket du navigateur à l'en-tête ;
 * l'API ne le lit que si TRUST_PROXY compte ce relais parmi les mandataires de confiance.
 */
export function forwardedFor(source: Pick<Headers, 'get'>): Record<string, string> {
  const value = source.get('x-forwarded-for');
  return value ? { 'x-forwarded-for': value } : {};
}

/**
 * Appelle l'API depuis le serveur Next.js avec le jeton du cookie. Les composants serveur et
 * les actions serveur passent par là : le jeton ne quitte jamais le serveur.
 */
export async function callApi<Data, Variables>(
  document: TadaDocumentNode<Data, Variables>,
  variables?: Variables,
  token?: string,
): Promise<ApiResult<Data>> {
  const bearer = token ?? (await sessionToken());
  const response = await fetch(API_URL, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...forwardedFor(await headers()),
      ...(bearer ? { authorization: `Bearer ${bearer}` } : {}),
    },
    body: JSON.stringify({ query: print(document), variables }),
    cache: 'no-store',
  });
  const body = (await response.json()) as { data?: Data | null; errors?: ApiError[] };
  if (body.errors?.length) return { data: body.data, errors: body.errors };
  return { data: body.data as Data };
}

/** Comme `callApi`, mais une erreur devient une exception (pages qui ne savent rien en faire). */
export async function queryApi<Data, Variables>(document: TadaDocumentNode<Data, Variables>, variables?: Variables): Promise<Data> {
  const result = await callApi(document, variables);
  if (result.errors) throw new ApiCallError(result.errors);
  return result.data;
}

export class ApiCallError extends Error {
  constructor(readonly errors: ApiError[]) {
    super(errors.map((error) => error.message).join(' '));
  }
  get code() {
    return this.errors[0]?.extensions?.code;
  }
}
