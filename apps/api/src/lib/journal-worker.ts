import type { Realtime } from '../realtime/index.js';

/** Un travailleur qui suit le journal d'audit (courriels, webhooks). */
export interface JournalWorker {
  /** Un tour tout de suite ; les demandes faites pendant un tour se regroupent en un tour suivant. */
  wake(): void;
  /** Attend la fin du tour en cours et des tours demandés pendant celui-ci. */
  settle(): Promise<void>;
  /** Arrête les tours et attend celui en cours : rien n'est laissé à moitié (les files sont en base). */
  stop(): Promise<void>;
}

export interface JournalWorkerOptions {
  /** Nom dans les journaux du processus, ex. « courriels ». */
  name: string;
  /** Un tour : lire le journal, mettre en file, envoyer ce qui est dû. */
  turn: () => Promise<void>;
  /** Relecture de sûreté (et réessais à échéance), en millisecondes. */
  pollMs: number;
  /** Le signal « le journal a avancé » (cette instance ou une autre par Redis) : un tour après chaque commit. */
  realtime?: Pick<Realtime, 'signals'>;
  /**
   * Écart minimal entre deux débuts de tour, en millisecondes : sous une rafale d'écritures, les
   * signaux se regroupent en un tour par intervalle au lieu d’un tour par commit (250 par défaut).
   */
  minGapMs?: number;
}

/**
 * La boucle commune aux travailleurs du journal : un tour à la fois, jamais deux en parallèle dans
 * une instance (les verrous en base s'occupent des autres instances), un tour demandé après chaque
 * commit (au plus un tous les `minGapMs`) et de toute façon toutes les `pollMs` millisecondes.
 * Une erreur de tour est consignée, le tour suivant réessaie.
 */
export function startJournalWorker({ name, turn, pollMs, realtime, minGapMs = 250 }: JournalWorkerOptions): JournalWorker {
  let running: Promise<void> | null = null;
  let again = false;
  let stopped = false;
  let lastStart = 0;
  let deferred: NodeJS.Timeout | null = null;

  function wake() {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    if (deferred) return;
    const wait = lastStart + minGapMs - Date.now();
    if (wait > 0) {
      deferred = setTimeout(() => {
        deferred = null;
        wake();
      }, wait);
      return;
    }
    lastStart = Date.now();
    running = turn()
      .catch((error: unknown) => console.error(`[${name}] tour impossible`, error))
      .finally(() => {
        running = null;
        if (again) {
          again = false;
          wake();
        }
      });
  }

  const timer = setInterval(wake, pollMs);
  timer.unref();
  const signals = realtime?.signals.subscribe('journal:advanced');
  if (signals) {
    void (async () => {
      for await (const _signal of signals) wake();
    })();
  }
  wake();

  const settle = async () => {
    while (running || deferred) await (running ?? new Promise((resolve) => setTimeout(resolve, 5)));
  };
  return {
    wake,
    settle,
    async stop() {
      stopped = true;
      clearInterval(timer);
      if (deferred) clearTimeout(deferred);
      deferred = null;
      await signals?.return?.();
      await settle();
    },
  };
}
