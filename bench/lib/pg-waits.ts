import pg from 'pg';

/**
 * Ce qu'attendent les connexions d'une base pendant un lancement : relevé de pg_stat_activity
 * toutes les 50 ms. Dit où le temps passe (verrou consultatif du journal, écriture du WAL, CPU,
 * attente du client…) : c'est l'analyse du goulot d'étranglement.
 */
export class WaitSampler {
  private readonly counts = new Map<string, number>();
  private samples = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly client: pg.Client;
  private busy = false;

  constructor(
    connectionString: string,
    private readonly database: string,
  ) {
    this.client = new pg.Client({ connectionString });
  }

  async start(): Promise<void> {
    await this.client.connect();
    this.timer = setInterval(() => void this.sample(), 50);
  }

  private async sample() {
    if (this.busy) return;
    this.busy = true;
    try {
      const { rows } = await this.client.query<{ what: string; n: number }>(
        `SELECT CASE WHEN state = 'active' THEN coalesce(wait_event_type || ':' || wait_event, 'CPU (actif)')
                     ELSE coalesce(state, '?') END AS what, count(*)::int AS n
         FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid() AND backend_type = 'client backend'
         GROUP BY 1`,
        [this.database],
      );
      this.samples += 1;
      for (const row of rows) this.counts.set(row.what, (this.counts.get(row.what) ?? 0) + row.n);
    } catch {
      // Base en cours d'arrêt : relevé suivant.
    } finally {
      this.busy = false;
    }
  }

  /** Nombre moyen de connexions dans chaque état, du plus fréquent au moins fréquent. */
  async stop(): Promise<{ what: string; mean: number }[]> {
    clearInterval(this.timer);
    await this.client.end().catch(() => {});
    return [...this.counts.entries()]
      .map(([what, n]) => ({ what, mean: Math.round((n / Math.max(1, this.samples)) * 100) / 100 }))
      .sort((a, b) => b.mean - a.mean);
  }
}

export function formatWaits(waits: { what: string; mean: number }[]): string {
  return waits
    .filter((w) => w.mean >= 0.05)
    .map((w) => `${w.what} ${w.mean}`)
    .join(' · ');
}
