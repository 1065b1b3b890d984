import { now, sleep } from './stats.js';

/**
 * Charge en boucle fermée : `clients` clients qui enchaînent chacun leur opération sans pause,
 * pendant la chauffe (non comptée) puis pendant la mesure. Une opération compte si elle se
 * termine dans la fenêtre de mesure ; le débit est rapporté à la durée de la fenêtre.
 */
export interface LoadOptions {
  label: string;
  clients: number;
  durationS: number;
  warmupS: number;
  /** Une opération ; peut rendre des durées partielles (ms) à relever à part. */
  op: (client: number, iteration: number) => Promise<Record<string, number> | void>;
  /** Pause après une erreur (0 : repartir aussitôt). */
  errorPauseMs?: number;
  /** Impression de l'avancement toutes les 10 s. */
  progress?: boolean;
}

export interface LoadResult {
  label: string;
  completed: number;
  windowS: number;
  perSecond: number;
  latencies: number[];
  parts: Record<string, number[]>;
  errors: number;
  errorKinds: Map<string, number>;
}

export async function closedLoop(options: LoadOptions): Promise<LoadResult> {
  const start = now();
  const measureFrom = start + options.warmupS * 1000;
  const deadline = measureFrom + options.durationS * 1000;
  const latencies: number[] = [];
  const parts: Record<string, number[]> = {};
  const errorKinds = new Map<string, number>();
  let errors = 0;
  const timer = options.progress
    ? setInterval(() => {
        const t = now();
        if (t < measureFrom) return;
        const elapsed = (t - measureFrom) / 1000;
        console.info(`  … ${options.label} : ${latencies.length} en ${elapsed.toFixed(0)} s (${(latencies.length / elapsed).toFixed(1)}/s), ${errors} erreur(s)`);
      }, 10_000)
    : undefined;
  timer?.unref();

  const worker = async (client: number) => {
    for (let iteration = 0; now() < deadline; iteration += 1) {
      const began = now();
      try {
        const partial = await options.op(client, iteration);
        const ended = now();
        if (began >= measureFrom && ended <= deadline) {
          latencies.push(ended - began);
          if (partial) for (const [key, value] of Object.entries(partial)) (parts[key] ??= []).push(value);
        }
      } catch (error) {
        const ended = now();
        if (ended >= measureFrom && ended <= deadline) {
          errors += 1;
          const kind = describeError(error);
          errorKinds.set(kind, (errorKinds.get(kind) ?? 0) + 1);
        }
        if (options.errorPauseMs) await sleep(options.errorPauseMs);
      }
    }
  };
  await Promise.all(Array.from({ length: options.clients }, (_, client) => worker(client)));
  clearInterval(timer);
  return {
    label: options.label,
    completed: latencies.length,
    windowS: options.durationS,
    perSecond: latencies.length / options.durationS,
    latencies,
    parts,
    errors,
    errorKinds,
  };
}

export function describeError(error: unknown): string {
  if (error && typeof error === 'object') {
    const code = (error as { code?: unknown }).code;
    const message = (error as { message?: unknown }).message;
    return `${code ? `${String(code)} ` : ''}${String(message ?? error).slice(0, 160)}`;
  }
  return String(error).slice(0, 160);
}

export function formatErrors(kinds: Map<string, number>, limit = 5): string {
  return [...kinds.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, limit)
    .map(([kind, n]) => `${n} × ${kind}`)
    .join('\n    ');
}
