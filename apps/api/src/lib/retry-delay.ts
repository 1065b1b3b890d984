/**
 * Délai avant l'essai suivant d'une livraison (courriel, webhook), après `failures` échecs : base,
 * 2 × base, 4 × base… plafonné à `maxMs`.
 */
export function retryDelayMs(failures: number, baseMs: number, maxMs: number): number {
  return Math.min(maxMs, baseMs * 2 ** Math.max(0, failures - 1));
}
