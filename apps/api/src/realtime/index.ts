import type { PrismaClient } from '@infoparquet/db';
import { EventHub } from './hub.js';
import { createSignals, type Signals } from './pubsub.js';

export interface Realtime {
  hub: EventHub;
  signals: Signals;
  /** Après un commit : prévenir toutes les instances que le journal a avancé. */
  journalAdvanced(): void;
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
  void (async () => {
    for await (const _signal of wakeups) hub.wake();
  })();
  return {
    hub,
    signals: pubsub,
    journalAdvanced: () => {
      // Le diffuseur local est réveillé tout de suite, sans attendre l'aller-retour par Redis.
      hub.wake();
      void Promise.resolve(pubsub.publish('journal:advanced', { at: Date.now() })).catch(() => {});
    },
    sessionRevoked: (sessionId) => {
      void Promise.resolve(pubsub.publish('session:revoked', { sessionId })).catch(() => {});
    },
    close: async () => {
      hub.stop();
      await wakeups.return?.();
      await close();
    },
  };
}
