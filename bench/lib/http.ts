import { Agent, request } from 'node:http';

/**
 * Client GraphQL sur HTTP/1.1 avec connexions persistantes : plus léger que `fetch` (le client de
 * charge tourne sur les mêmes deux cœurs que le serveur, chaque microseconde compte).
 */
export interface GraphQLResult<Data = any> {
  data?: Data | null;
  errors?: { message: string; extensions?: { code?: string } & Record<string, unknown> }[];
}

export class GraphQLError extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
    readonly kind: 'graphql' | 'http' | 'network',
  ) {
    super(message);
  }
}

export function createAgent(maxSockets: number): Agent {
  return new Agent({ keepAlive: true, maxSockets, maxFreeSockets: maxSockets });
}

/** POST JSON ; rejette sur erreur réseau, statut HTTP ≥ 500 sans corps JSON, ou délai dépassé. */
export function postJson(url: string, body: unknown, headers: Record<string, string>, agent: Agent, timeoutMs = 30_000): Promise<{ status: number; json: any }> {
  const payload = Buffer.from(JSON.stringify(body));
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': payload.length, ...headers }, timeout: timeoutMs },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', (error) => reject(new GraphQLError(error.message, undefined, 'network')));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          try {
            resolve({ status: res.statusCode ?? 0, json: JSON.parse(text) });
          } catch {
            reject(new GraphQLError(`HTTP ${res.statusCode} : ${text.slice(0, 200)}`, undefined, 'http'));
          }
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error(`délai de ${timeoutMs} ms dépassé`)));
    req.on('error', (error) => reject(new GraphQLError(error.message, (error as NodeJS.ErrnoException).code, 'network')));
    req.end(payload);
  });
}

/** Une opération GraphQL ; rejette avec le code de la première erreur s'il y en a une. */
export async function gql<Data = any>(
  url: string,
  token: string | null,
  query: string,
  variables: Record<string, unknown>,
  agent: Agent,
): Promise<Data> {
  const { status, json } = await postJson(url, { query, variables }, token ? { authorization: `Bearer ${token}` } : {}, agent);
  const result = json as GraphQLResult<Data>;
  if (result.errors?.length) {
    const first = result.errors[0]!;
    throw new GraphQLError(first.message, first.extensions?.code, 'graphql');
  }
  if (!result.data) throw new GraphQLError(`HTTP ${status} sans données`, undefined, 'http');
  return result.data;
}
