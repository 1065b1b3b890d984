import { randomUUID } from 'node:crypto';
import type { PrismaClient } from '@infoparquet/db';
import { AuditChainer } from '../domains/audit/chainer.js';
import { EventHub } from './hub.js';
import { createSignals, type Signals } from './pubsub.js';

export interface Realtime {
  hub: EventHub;
  signals: Signals;
  /**
   * Après un commit qui a consigné des événements : les verser au journal chaîné par le chaîneur de
   * l'instance (domains/audit/chainer.ts ; rend la main quand c'est fait), puis réveiller les
   * diffuseurs de toutes les instances. Un échec du chaînage est
   * consigné sans faire échouer l'appelant : son commit est acquis, la relecture de sûreté chaînera.
   */
  journalAdvanced(): Promise<void>;
  /** Une session est fermée : toutes les instances ferment ses WebSockets. */
  sessionRevoked(sessionId: string): void;
  close(): Promise<void>;
}

export interface RealtimeOptions {
  redisUrl?: string | undefined;
  /** Relecture de sûreté du journal, au cas où un signal se perdrait (Redis en panne). */
  pollIntervalMs: number;
}

export function createRealtime(prisma: PrismaClient, options: RealtimeOptions): Realtime {
  const { pubsub, close } = createSignals(options.redisUrl);
  const hub = new EventHub(prisma, { pollIntervalMs: options.pollIntervalMs });
  const wakeups = pubsub.subscribe('journal:advanced');
  const instance = randomUUID();
  const wakeAll = () => {
    // Le diffuseur local est réveillé tout de suite, sans attendre l'aller-retour par Redis ; le
    // signal, qu'il reçoit aussi, ne le réveille pas une seconde fois.
    hub.wake();
    void Promise.resolve(pubsub.publish('journal:advanced', { at: Date.now(), from: instance })).catch(() => {});
  };
  const chainer = new AuditChainer(prisma, { pollMs: options.pollIntervalMs, onChained: wakeAll });
  void (async () => {
    for await (const signal of wakeups) if (signal.from !== instance) hub.wake();
  })();
  return {
    hub,
    signals: pubsub,
    // Le passage qui verse des événements réveille les diffuseurs une fois pour toutes les opérations
    // qu'il sert ; s'il n'a rien versé (déjà chaîné ailleurs), on les réveille ici.
    journalAdvanced: () =>
      chainer.flush().then(
        (chained) => {
          if (chained === 0) wakeAll();
        },
        (error: unknown) => {
          console.error('[journal] chaînage impossible', error);
          wakeAll();
        },
      ),
    sessionRevoked: (sessionId) => {
      void Promise.resolve(pubsub.publish('session:revoked', { sessionId })).catch(() => {});
    },
    close: async () => {
      await chainer.stop();
      hub.stop();
      await wakeups.return?.();
      await close();
    },
  };
}
