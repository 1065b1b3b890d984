#!/usr/bin/env node
// Lance les suites vitest de chaque espace de travail, l'une après l'autre (les tests
// d'intégration partagent une base), puis écrit une ligne de bilan « N passed, N failed ».
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
// L'API d'abord, le navigateur ensuite : les tests de bout en bout construisent et servent l'application web.
const suites = ['packages/validation', 'apps/api', 'apps/web'];
const reports = mkdtempSync(path.join(tmpdir(), 'infoparquet-tests-'));
let passed = 0;
let failed = 0;
let skipped = 0;
let exitCode = 0;

for (const suite of suites) {
  const report = path.join(reports, `${suite.replace(/\W/g, '_')}.json`);
  const result = spawnSync('npx', ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`], {
    cwd: path.join(root, suite),
    stdio: 'inherit',
  });
  if (result.status !== 0) exitCode = result.status ?? 1;
  try {
    const summary = JSON.parse(readFileSync(report, 'utf8'));
    passed += summary.numPassedTests;
    failed += summary.numFailedTests;
    skipped += summary.numPendingTests + summary.numTodoTests;
  } catch {
    console.error(`Pas de rapport pour ${suite} : la suite n'a pas pu s'exécuter.`);
    exitCode = exitCode || 1;
  }
}

console.log(`\ntests: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(exitCode);
