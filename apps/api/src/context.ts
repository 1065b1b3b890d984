import type { PrismaClient } from '@infoparquet/db';
import { bearerToken, findViewerByToken, type Viewer } from './domains/auth/sessions.js';
import type { Env } from './env.js';
import type { Realtime } from './realtime/index.js';

/** Contexte de chaque opération GraphQL, le même en HTTP, en SSE et en WebSocket. */
export interface Context {
  prisma: PrismaClient;
  env: Env;
  realtime: Realtime;
  viewer: Viewer | null;
  /** Un jeton a été présenté mais ne correspond à aucune session valide. */
  invalidToken: boolean;
}

export interface ContextDeps {
  prisma: PrismaClient;
  env: Env;
  realtime: Realtime;
}

export async function createContext(deps: ContextDeps, authorization: string | null | undefined): Promise<Context> {
  const token = bearerToken(authorization);
  if (token === undefined) return { ...deps, viewer: null, invalidToken: false };
  const viewer = token ? await findViewerByToken(deps.prisma, token) : null;
  return { ...deps, viewer, invalidToken: viewer === null };
}
