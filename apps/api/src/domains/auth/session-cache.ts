import { listenToDatabase, type DatabaseListener, type PrismaClient } from '@infoparquet/db';
import type { ClientInfo } from '../api-tokens/authenticate.js';
import { isApiToken } from '../api-tokens/token.js';
import { findAccess, findSession, hashToken, type ValidSession } from './sessions.js';

/**
 * La session d'un jeton et son échéance, pour toute requête (contexte GraphQL, ouverture d'une
 * WebSocket) : de la mémoire de l'instance quand elle en a une, sinon de la base.
 */
export function sessionAccess(
  deps: { prisma: PrismaClient; sessions?: SessionCache | null },
  token: string,
  now = new Date(),
  client: ClientInfo = {},
): Promise<ValidSession | null> {
  return deps.sessions ? deps.sessions.findAccess(token, now, client) : findAccess(deps.prisma, token, now, client);
}

/** Le canal où la base annonce qu'une session ou un compte a changé (migration session_invalidation). */
export const SESSION_CHANGED_CHANNEL = 'session_changed';

export interface SessionCacheOptions {
  /** Durée maximale pendant laquelle une session vérifiée est reprise de la mémoire. */
  ttlMs: number;
  /** Nombre maximal de sessions gardées ; la moins récemment servie sort la première. */
  maxEntries?: number;
}

export interface SessionCache {
  /** La session d'un jeton et son échéance : comme `findAccess`, depuis la mémoire quand elle est sûre. */
  findAccess(token: string, now?: Date, client?: ClientInfo): Promise<ValidSession | null>;
  /** Oublie les sessions d'un compte, sur cette instance, sans attendre la notification de la base. */
  forgetUser(userId: string): void;
  /** Vrai quand la mémoire sert : l'écoute des changements est établie. */
  readonly active: boolean;
  close(): Promise<void>;
}

interface Entry {
  session: ValidSession;
  until: number;
}

/**
 * Les sessions vérifiées, gardées en mémoire par chaque instance de l'API : une requête
 * authentifiée n'interroge plus la base pour sa session (docs/PERFORMANCE.md, cinquième passage).
 *
 * Rien de ce qui retire un droit n'attend l'expiration de la mémoire. La base annonce, par un
 * déclencheur et NOTIFY (`session_changed`), chaque session révoquée ou raccourcie et chaque compte
 * désactivé, changé de rôle ou d'organisation, quelle que soit l'instance ou l'outil qui l'écrit ;
 * chaque instance oublie alors les sessions du compte, quelques millisecondes après le commit.
 * Tant que l'écoute n'est pas établie, ou dès qu'elle est perdue, la mémoire est vidée et ne sert
 * plus : chaque requête relit sa session en base, comme sans cache. Une session lue en base pendant
 * qu'arrivait une notification n'est pas gardée (compteur `generation`). Les jetons d'API, dont
 * chaque usage est vérifié (réseau, portée) et consigné, ne sont jamais gardés.
 */
export function startSessionCache(prisma: PrismaClient, databaseUrl: string, options: SessionCacheOptions): SessionCache {
  const maxEntries = options.maxEntries ?? 50_000;
  const entries = new Map<string, Entry>();
  const byUser = new Map<string, Set<string>>();
  // Change à chaque notification et à chaque début ou perte de l'écoute.
  let generation = 0;

  const remove = (key: string) => {
    const entry = entries.get(key);
    if (!entry) return;
    entries.delete(key);
    const keys = byUser.get(entry.session.viewer.userId);
    keys?.delete(key);
    if (keys?.size === 0) byUser.delete(entry.session.viewer.userId);
  };
  const forgetUser = (userId: string) => {
    generation += 1;
    for (const key of byUser.get(userId) ?? []) entries.delete(key);
    byUser.delete(userId);
  };
  const forgetAll = () => {
    generation += 1;
    entries.clear();
    byUser.clear();
  };

  const listener: DatabaseListener = listenToDatabase(databaseUrl, SESSION_CHANGED_CHANNEL, {
    onNotification: (payload) => (payload === '*' ? forgetAll() : forgetUser(payload)),
    onListening: (listening) => {
      forgetAll();
      if (!listening) console.warn('[sessions] écoute des changements perdue : sessions relues en base jusqu’à son retour');
    },
  });

  return {
    get active() {
      return listener.listening;
    },
    forgetUser,
    // Dans la méthode, `findAccess` est la lecture en base (sessions.ts) : le nom d'une méthode n'entre pas dans la portée.
    async findAccess(token, now = new Date(), client = {}) {
      if (isApiToken(token) || !listener.listening) return findAccess(prisma, token, now, client);
      const key = hashToken(token);
      const entry = entries.get(key);
      if (entry) {
        if (now.getTime() < entry.until && now < entry.session.expiresAt) {
          // La plus récemment servie passe en dernier : la plus ancienne sort la première.
          entries.delete(key);
          entries.set(key, entry);
          return entry.session;
        }
        remove(key);
      }
      const before = generation;
      const session = await findSession(prisma, key, now);
      if (session && listener.listening && generation === before) {
        // Servie telle quelle aux requêtes suivantes : figée, pour qu'aucune ne la change pour les autres.
        Object.freeze(session.viewer);
        Object.freeze(session);
        entries.set(key, { session, until: now.getTime() + options.ttlMs });
        const userId = session.viewer.userId;
        byUser.set(userId, (byUser.get(userId) ?? new Set()).add(key));
        if (entries.size > maxEntries) remove(entries.keys().next().value!);
      }
      return session;
    },
    close: () => listener.close(),
  };
}
