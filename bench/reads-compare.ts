/**
 * Banc de comparaison (issue 7) : les lectures de l'API de cette copie de travail face à celles de
 * l'API d'une autre révision, dans le même lancement.
 *
 *   npm run bench:reads:compare -- --rev ee4b69c --rounds 3 --duration 10
 *
 * D'un lancement à l'autre, la même machine varie de 10 à 20 % (voir docs/PERFORMANCE.md) : plus
 * que ce que vaut souvent un changement. Ici les deux API tournent côte à côte sur la même base
 * (`bench:seed`), et chaque lecture passe sur l'une puis sur l'autre, l'ordre inversé à chaque tour.
 * Le banc imprime, pour chacune, la médiane des tours : requêtes par seconde, p50, p99 et temps
 * processeur du serveur par requête, et l'écart entre les deux.
 *
 * La révision est extraite dans un dossier temporaire (`git worktree`) et lancée avec les
 * dépendances et le client Prisma de cette copie de travail : le banc refuse une révision dont
 * `package-lock.json` ou `prisma/` diffèrent. Il ne mesure donc que le code de l'API.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { readFlags } from './lib/args.js';
import { databaseExists, databaseUrl } from './lib/db.js';
import { createAgent } from './lib/http.js';
import { closedLoop, formatErrors } from './lib/load.js';
import { describeMachine, formatMachine, LoadMonitor, processCpuSeconds } from './lib/machine.js';
import { REPO, startApi, type ApiProcess } from './lib/processes.js';
import { SCENARIO_LABELS, type Scenario } from './lib/read-queries.js';
import { apiReads, openReaders } from './lib/readers.js';
import { saveResults, verdict, type Check } from './lib/report.js';
import { ms, num, summarize, table } from './lib/stats.js';

const options = readFlags('Lectures de l’API : cette copie de travail face à une autre révision, dans le même lancement.', {
  /** La révision de comparaison (commit, étiquette, branche). */
  rev: '',
  rounds: 3,
  duration: 10,
  warmup: 2,
  clients: 10,
  database: 'ip_bench',
  scenarios: 'urgentQueue,inbox,byReference,administrationList',
  users: 300,
});

const git = (...args: string[]) => execFileSync('git', args, { cwd: REPO, encoding: 'utf8' }).trim();

/** La révision extraite à côté, avec les dépendances de cette copie de travail. */
function checkoutRevision(rev: string): { dir: string; commit: string; remove(): void } {
  const commit = git('rev-parse', '--short', `${rev}^{commit}`);
  const changed = git('diff', '--name-only', commit, '--', 'package-lock.json', 'prisma/');
  if (changed) throw new Error(`La révision ${commit} n’a pas les mêmes dépendances ou le même schéma que la copie de travail (${changed.split('\n').join(', ')}) : comparaison impossible.`);
  const dir = path.join(mkdtempSync(path.join(os.tmpdir(), 'ip-bench-rev-')), 'repo');
  git('worktree', 'add', '--detach', '--quiet', dir, commit);
  symlinkSync(path.join(REPO, 'node_modules'), path.join(dir, 'node_modules'));
  symlinkSync(path.join(REPO, 'apps/api/node_modules'), path.join(dir, 'apps/api/node_modules'));
  return {
    dir,
    commit,
    remove: () => {
      git('worktree', 'remove', '--force', dir);
      rmSync(path.dirname(dir), { recursive: true, force: true });
    },
  };
}

async function main() {
  if (!options.rev) throw new Error('Préciser la révision de comparaison : --rev <commit>.');
  const machine = await describeMachine('postgresql://postgres@127.0.0.1:5432/postgres');
  console.info(formatMachine(machine));
  if (!(await databaseExists(options.database))) throw new Error(`Base ${options.database} absente : lancer d’abord npm run bench:seed.`);
  const revision = checkoutRevision(options.rev);
  const current = `${git('rev-parse', '--short', 'HEAD')}${git('status', '--porcelain', '--', 'apps', 'packages') ? ' + modifications' : ''}`;
  console.info(`révision ${revision.commit} face à la copie de travail (${current})`);
  const monitor = new LoadMonitor();
  const url = databaseUrl(options.database);
  const pool = new pg.Pool({ connectionString: url, max: 4 });
  const readers = await openReaders(pool, options.users);
  const scenarios = options.scenarios.split(',').map((s) => s.trim()) as Scenario[];
  const http = createAgent(options.clients);
  const apis: { name: string; api: ApiProcess }[] = [];
  try {
    apis.push({ name: revision.commit, api: await startApi({ databaseUrl: url, repo: revision.dir }) });
    apis.push({ name: 'copie de travail', api: await startApi({ databaseUrl: url }) });
    const samples = new Map<string, { perSecond: number; p50: number; p99: number; cpuMs: number; errors: number; errorKinds: string }[]>();
    for (let round = 0; round < options.rounds; round += 1) {
      for (const scenario of scenarios) {
        for (const { name, api } of round % 2 === 0 ? apis : [...apis].reverse()) {
          const reads = apiReads(api.url, readers, http);
          const cpuBefore = processCpuSeconds(api.pid);
          const load = await closedLoop({ label: `${name} ${scenario}`, clients: options.clients, durationS: options.duration, warmupS: options.warmup, op: async () => void (await reads[scenario]()) });
          // Le processeur de la chauffe et de la mesure, rapporté à toutes les requêtes des deux.
          const served = load.completed * ((options.duration + options.warmup) / options.duration);
          const s = summarize(load.latencies);
          const key = `${scenario}/${name}`;
          samples.set(key, [
            ...(samples.get(key) ?? []),
            { perSecond: load.perSecond, p50: s.p50, p99: s.p99, cpuMs: ((processCpuSeconds(api.pid) - cpuBefore) * 1000) / served, errors: load.errors, errorKinds: formatErrors(load.errorKinds, 2) },
          ]);
        }
      }
      console.info(`  tour ${round + 1}/${options.rounds} fait`);
    }
    const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
    const results = scenarios.flatMap((scenario) =>
      apis.map(({ name }) => {
        const runs = samples.get(`${scenario}/${name}`)!;
        return {
          scenario,
          api: name,
          perSecond: median(runs.map((r) => r.perSecond)),
          p50: median(runs.map((r) => r.p50)),
          p99: median(runs.map((r) => r.p99)),
          cpuMs: median(runs.map((r) => r.cpuMs)),
          rounds: runs.map((r) => Math.round(r.perSecond)),
          errors: runs.reduce((sum, r) => sum + r.errors, 0),
        };
      }),
    );
    console.info(`\nLectures à ${options.clients} clients, médiane de ${options.rounds} tours de ${options.duration} s`);
    console.info(
      table(
        ['', 'API', 'req/s', 'p50 ms', 'p99 ms', 'processeur ms/req', 'req/s par tour', 'erreurs'],
        results.map((r) => [SCENARIO_LABELS[r.scenario], r.api, num(r.perSecond), ms(r.p50), ms(r.p99), r.cpuMs.toFixed(2), r.rounds.join(' / '), num(r.errors)]),
      ),
    );
    const checks: Check[] = scenarios.map((scenario) => {
      const [before, after] = apis.map(({ name }) => results.find((r) => r.scenario === scenario && r.api === name)!);
      const gain = after!.perSecond / before!.perSecond - 1;
      return {
        label: `${SCENARIO_LABELS[scenario]} : sans erreur, pas plus lente que ${revision.commit}`,
        ok: after!.errors === 0 && before!.errors === 0 && after!.perSecond >= before!.perSecond * 0.95,
        detail: `${num(after!.perSecond)} contre ${num(before!.perSecond)} req/s (${gain >= 0 ? '+' : ''}${Math.round(gain * 100)} %), processeur ${after!.cpuMs.toFixed(2)} contre ${before!.cpuMs.toFixed(2)} ms par requête`,
      };
    });
    const loadReport = monitor.stop();
    const code = verdict('bench:reads:compare', checks);
    saveResults('reads-compare', { machine, load: loadReport, options, checks, revision: revision.commit, current, results });
    process.exitCode = code;
  } finally {
    http.destroy();
    for (const { api } of apis) await api.stop();
    await readers.close();
    await pool.end();
    revision.remove();
  }
}

main().then(
  () => process.exit(),
  (error: unknown) => {
    console.error(error);
    process.exit(2);
  },
);
