import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { LoadReport, MachineInfo } from './machine.js';

/** Un objectif de l'issue 7 et ce que le lancement a mesuré en face. */
export interface Check {
  label: string;
  ok: boolean;
  detail: string;
}

/**
 * Imprime chaque objectif (atteint ou non, avec la mesure) puis la ligne finale PASS ou FAIL,
 * et rend le code de sortie : 0 si tout est atteint, 1 sinon.
 */
export function verdict(name: string, checks: Check[]): number {
  console.info('\nObjectifs :');
  for (const check of checks) console.info(`  ${check.ok ? '[atteint]    ' : '[non atteint]'} ${check.label} — ${check.detail}`);
  const failed = checks.filter((check) => !check.ok).length;
  console.info(
    failed === 0
      ? `\nPASS ${name} : ${checks.length}/${checks.length} objectifs atteints`
      : `\nFAIL ${name} : ${failed} objectif(s) sur ${checks.length} non atteint(s)`,
  );
  return failed === 0 ? 0 : 1;
}

/** Écrit les chiffres d'un lancement dans bench/results/<nom>.json (le dernier lancement l'emporte). */
export function saveResults(name: string, content: { machine: MachineInfo; load: LoadReport; options: unknown; checks: Check[] } & Record<string, unknown>) {
  const dir = path.resolve(import.meta.dirname, '..', 'results');
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${name}.json`);
  writeFileSync(file, `${JSON.stringify({ name, at: new Date().toISOString(), ...content }, null, 2)}\n`);
  console.info(`résultats écrits dans ${path.relative(process.cwd(), file)}`);
}
