import type { PrismaClient } from '@infoparquet/db';
import { CHAIN_BATCH, chainPending } from './chain.js';

export interface AuditChainerOptions {
  /** Relecture de sûreté de la file (événements déposés par un autre processus), en millisecondes. */
  pollMs: number;
  /** Appelé une fois par passage qui a versé des événements au journal (réveil des diffuseurs). */
  onChained?: () => void;
}

/**
 * Le chaîneur d'une instance : il verse au journal, par lots, les événements déposés dans la file
 * `audit_pending` (chain.ts). Un seul passage à la fois dans l'instance ; entre instances, le verrou
 * de la chaîne les met à la suite. `flush()` est une validation groupée : les demandes qui arrivent
 * pendant un passage sont servies ensemble par le passage suivant, si bien qu'à forte charge un
 * seul commit chaîne les événements de dizaines d'opérations.
 */
export class AuditChainer {
  private current: Promise<number> | null = null;
  private queued: Promise<number> | null = null;
  private readonly timer: NodeJS.Timeout;
  private stopped = false;

  constructor(
    private readonly prisma: PrismaClient,
    private readonly options: AuditChainerOptions,
  ) {
    this.timer = setInterval(() => void this.poll(), options.pollMs);
    this.timer.unref();
  }

  /**
   * Rend la main quand tout événement validé avant l'appel est dans le journal chaîné. Un passage
   * déjà commencé a pu lire la file avant ce commit : on attend alors le passage suivant. Renvoie le
   * nombre d'événements versés par ce passage (zéro si une autre instance ou une écriture chaînée
   * d'office les avait déjà versés).
   */
  flush(): Promise<number> {
    if (this.queued) return this.queued;
    if (this.current) {
      const queued = this.current
        .catch(() => 0)
        .then(() => {
          this.queued = null;
          return this.flush();
        });
      this.queued = queued;
      return queued;
    }
    const current = this.drain().finally(() => {
      this.current = null;
    });
    this.current = current;
    return current;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await (this.queued ?? this.current ?? Promise.resolve(0)).catch(() => 0);
  }

  /** Vide la file, puis réveille les diffuseurs s'il y avait quelque chose. */
  private async drain(): Promise<number> {
    const total = await chainAllPending(this.prisma);
    if (total > 0) this.options.onChained?.();
    return total;
  }

  /** Relecture de sûreté : ce qu'un autre processus (script, instance arrêtée) a laissé dans la file. */
  private async poll(): Promise<void> {
    if (this.stopped || this.current) return;
    try {
      const [waiting] = await this.prisma.$queryRaw<{ any: boolean }[]>`SELECT EXISTS (SELECT 1 FROM audit_pending) AS any`;
      if (waiting?.any) await this.flush();
    } catch (error) {
      console.error('[journal] chaînage impossible', error);
    }
  }
}

/**
 * Chaîne tout ce qui attend, par lots (une transaction chacun : verrou, lecture, versement, commit) ;
 * rend le nombre d'événements versés. Le chaîneur s'en sert, les scripts aussi (démonstration,
 * vérification du journal).
 */
export async function chainAllPending(prisma: PrismaClient): Promise<number> {
  let total = 0;
  for (;;) {
    const chained = await prisma.$transaction((tx) => chainPending(tx, CHAIN_BATCH));
    total += chained.size;
    if (chained.size < CHAIN_BATCH) return total;
  }
}
