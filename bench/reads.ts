/**
 * Banc 3 (issue 7) : lectures à l'échelle (base chargée par `npm run bench:seed`).
 *
 *   npm run bench:reads -- --duration 20 --clients 10
 *
 * Quatre lectures, chacune à `--clients` clients simultanés en boucle fermée, par trois voies sur
 * la même base, dans le même lancement et en alternance (pour qu'une machine bruyante pèse sur
 * toutes de la même façon) :
 *  - l'API (processus séparé, comme en production) avec les documents de l'application web ;
 *  - SQL brut (`pg`, pool de 10) : les mêmes lectures écrites à la main, session comprise (gardée
 *    en mémoire une minute, comme le fait l'API) — le coût de GraphQL + Prisma + HTTP est l'écart
 *    entre les deux ;
 *  - PostGraphile 4.14.1 (processus séparé, bench/postgraphile/server.mjs) sur la même base ;
 *    installé à part : `npm install --prefix bench/postgraphile` (il exige graphql 15, le
 *    produit est en graphql 16 ; PostGraphile 5 exige Node 22).
 * Les lectures : la file d'urgence d'un parquet ; la boîte de réception d'un parquet (onglet
 * « En traitement », 20 par page, avec le total) ; la recherche par référence (l'API et le SQL
 * brut consignent la consultation au journal d'audit, PostGraphile ne sait pas le faire) ; la
 * liste d'une administration (20 par page, avec le total). Utilisateurs, parquets et références
 * tirés au hasard dans toute la base à chaque requête.
 *
 * Objectifs : p99 ≤ 25 ms, coût de l'ORM ≤ 2× le SQL brut au p50, plus de requêtes par seconde
 * que PostGraphile.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { readFlags } from './lib/args.js';
import { databaseExists, databaseUrl } from './lib/db.js';
import { createAgent, gql } from './lib/http.js';
import { closedLoop, formatErrors, type LoadResult } from './lib/load.js';
import { describeMachine, formatMachine, LoadMonitor, processCpuSeconds } from './lib/machine.js';
import { freePort, launch, REPO, startApi } from './lib/processes.js';
import { rawRecordView } from './lib/raw-audit.js';
import { apiReads, openReaders } from './lib/readers.js';
import {
  INBOX_STATUSES,
  POSTGRAPHILE_QUERIES,
  SCENARIO_LABELS,
  SQL_ADMIN_COUNT,
  SQL_ADMIN_LIST,
  SQL_BY_REFERENCE,
  SQL_INBOX,
  SQL_INBOX_COUNT,
  SQL_URGENT,
  SQL_VIEWER,
  type Scenario,
} from './lib/read-queries.js';
import { saveResults, verdict, type Check } from './lib/report.js';
import { ms, num, sleep, summarize, table } from './lib/stats.js';

const options = readFlags('Banc des lectures à l’échelle (API contre SQL brut et PostGraphile).', {
  duration: 20,
  warmup: 3,
  clients: 10,
  database: 'ip_bench',
  /** Voies mesurées, séparées par des virgules. */
  systems: 'sql,api,postgraphile',
  /** Lectures mesurées, séparées par des virgules. */
  scenarios: 'urgentQueue,inbox,byReference,administrationList',
  /** Utilisateurs tirés de chaque côté (sessions ouvertes pour le banc, fermées à la fin). */
  users: 300,
});

type System = 'sql' | 'api' | 'postgraphile';

async function main() {
  const machine = await describeMachine('postgresql://postgres@127.0.0.1:5432/postgres');
  console.info(formatMachine(machine));
  if (!(await databaseExists(options.database))) throw new Error(`Base ${options.database} absente : lancer d’abord npm run bench:seed.`);
  if (options.systems.includes('postgraphile') && !existsSync(path.join(REPO, 'bench/postgraphile/node_modules/postgraphile'))) {
    throw new Error('PostGraphile absent : npm install --prefix bench/postgraphile (installation séparée, voir bench/postgraphile/package.json).');
  }
  const monitor = new LoadMonitor();
  const url = databaseUrl(options.database);
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  const systems = options.systems.split(',').map((s) => s.trim()) as System[];
  const scenarios = options.scenarios.split(',').map((s) => s.trim()) as Scenario[];

  const volume = await pool.query<{ n: string }>('SELECT count(*)::text AS n FROM signalement');
  console.info(`base ${options.database} : ${num(Number(volume.rows[0]!.n))} signalements`);

  // ——— Qui lit : des membres de parquets et des agents d'administrations, tirés au hasard ———
  const readers = await openReaders(pool, options.users);
  const { parquetStaff, agents, pick, referenceFor } = readers;
  console.info(`${parquetStaff.length} membres de parquets, ${agents.length} agents ; ${num(readers.references)} références tirées`);

  // ——— Les trois voies ———
  const api = systems.includes('api') ? await startApi({ databaseUrl: url }) : null;
  const postgraphilePort = await freePort();
  const postgraphile = systems.includes('postgraphile')
    ? launch(process.execPath, [path.join(REPO, 'bench/postgraphile/server.mjs'), url, String(postgraphilePort)], { env: { NODE_ENV: 'production' } })
    : null;
  if (postgraphile) {
    for (let i = 0; !postgraphile.output.toString().includes('écoute'); i += 1) {
      if (!postgraphile.alive() || i > 600) throw new Error(`PostGraphile n’a pas démarré :\n${postgraphile.output.toString()}`);
      await sleep(100);
    }
  }
  const postgraphileUrl = `http://127.0.0.1:${postgraphilePort}/graphql`;
  const http = createAgent(options.clients);
  const sqlPool = new pg.Pool({ connectionString: url, max: 10 });

  // Comme l'API, qui garde en mémoire les sessions qu'elle a vérifiées (domains/auth/session-cache.ts),
  // le témoin ne lit une session en base qu'une fois par minute : il fait le même travail qu'elle.
  type SqlViewer = { organization_id: string; user_id: string; kind: string };
  const sqlSessions = new Map<string, { viewer: SqlViewer; until: number }>();
  const sqlViewer = async (token: string) => {
    const kept = sqlSessions.get(token);
    if (kept && Date.now() < kept.until) return kept.viewer;
    const { rows } = await sqlPool.query(SQL_VIEWER, [createHash('sha256').update(token).digest('hex')]);
    const viewer = rows[0];
    if (!viewer || viewer.revoked_at || viewer.expires_at <= new Date() || !viewer.active) throw new Error('session invalide');
    sqlSessions.set(token, { viewer, until: Date.now() + 60_000 });
    return viewer as SqlViewer;
  };

  const operations: Record<System, Record<Scenario, () => Promise<unknown>>> = {
    api: api ? apiReads(api.url, readers, http) : ({} as Record<Scenario, () => Promise<unknown>>),
    sql: {
      urgentQueue: async () => {
        const viewer = await sqlViewer(pick(parquetStaff).token);
        return (await sqlPool.query(SQL_URGENT, [viewer.organization_id])).rows;
      },
      inbox: async () => {
        const viewer = await sqlViewer(pick(parquetStaff).token);
        return Promise.all([sqlPool.query(SQL_INBOX, [viewer.organization_id, INBOX_STATUSES]), sqlPool.query(SQL_INBOX_COUNT, [viewer.organization_id, INBOX_STATUSES])]);
      },
      byReference: async () => {
        const { viewer: sampled, reference } = referenceFor();
        const viewer = await sqlViewer(sampled.token);
        const { rows } = await sqlPool.query(SQL_BY_REFERENCE, [reference, viewer.organization_id]);
        if (!rows[0]) throw new Error('introuvable');
        await rawRecordView(sqlPool, viewer, rows[0]);
        return rows[0];
      },
      administrationList: async () => {
        const viewer = await sqlViewer(pick(agents).token);
        return Promise.all([sqlPool.query(SQL_ADMIN_LIST, [viewer.organization_id]), sqlPool.query(SQL_ADMIN_COUNT, [viewer.organization_id])]);
      },
    },
    postgraphile: {
      urgentQueue: () => gql(postgraphileUrl, null, POSTGRAPHILE_QUERIES.urgentQueue, { parquetId: pick(parquetStaff).organizationId }, http),
      inbox: () => gql(postgraphileUrl, null, POSTGRAPHILE_QUERIES.inbox, { parquetId: pick(parquetStaff).organizationId, status: INBOX_STATUSES }, http),
      byReference: async () => {
        const { viewer, reference } = referenceFor();
        const data = await gql<{ allSignalements: { nodes: unknown[] } }>(postgraphileUrl, null, POSTGRAPHILE_QUERIES.byReference, { reference, parquetId: viewer.organizationId }, http);
        if (data.allSignalements.nodes.length !== 1) throw new Error('introuvable');
        return data;
      },
      administrationList: () => gql(postgraphileUrl, null, POSTGRAPHILE_QUERIES.administrationList, { administrationId: pick(agents).organizationId }, http),
    },
  };

  // Chaque opération de chaque voie répond une fois sans erreur avant la mesure.
  await sanityCheck(operations, systems);

  const results: { scenario: Scenario; system: System; load: LoadResult; serverCpu?: number }[] = [];
  for (const scenario of scenarios) {
    console.info(`\n${SCENARIO_LABELS[scenario]} :`);
    for (const system of systems) {
      const pid = system === 'api' ? api?.pid : system === 'postgraphile' ? postgraphile?.pid : undefined;
      const cpuBefore = pid ? processCpuSeconds(pid) : 0;
      const load = await closedLoop({
        label: `${system} ${scenario}`,
        clients: options.clients,
        durationS: options.duration,
        warmupS: options.warmup,
        op: async () => {
          await operations[system][scenario]();
        },
      });
      const serverCpu = pid ? (processCpuSeconds(pid) - cpuBefore) / (options.duration + options.warmup) : undefined;
      results.push({ scenario, system, load, serverCpu });
      const s = summarize(load.latencies);
      console.info(
        `  ${system.padEnd(12)} ${num(load.perSecond, 0).padStart(6)} req/s  p50 ${ms(s.p50).padStart(5)} ms  p99 ${ms(s.p99).padStart(5)} ms  max ${ms(s.max).padStart(5)} ms` +
          `${serverCpu !== undefined ? `  CPU serveur ${Math.round(serverCpu * 100)} %` : ''}${load.errors ? `  ${load.errors} erreur(s) : ${formatErrors(load.errorKinds, 2)}` : ''}`,
      );
    }
  }

  http.destroy();
  await api?.stop();
  await postgraphile?.stop();
  await sqlPool.end();
  await readers.close();
  await pool.end();
  const loadReport = monitor.stop();

  console.info(`\nLectures à ${options.clients} clients, ${options.duration} s par mesure`);
  console.info(
    table(
      ['', 'voie', 'req/s', 'p50 ms', 'p99 ms', 'max ms', 'erreurs'],
      results.map((r) => {
        const s = summarize(r.load.latencies);
        return [SCENARIO_LABELS[r.scenario], r.system, num(r.load.perSecond), ms(s.p50), ms(s.p99), ms(s.max), num(r.load.errors)];
      }),
    ),
  );

  const checks: Check[] = [];
  for (const scenario of scenarios) {
    const get = (system: System) => results.find((r) => r.scenario === scenario && r.system === system);
    const apiResult = get('api');
    if (!apiResult) continue;
    const a = summarize(apiResult.load.latencies);
    checks.push({ label: `${SCENARIO_LABELS[scenario]} : p99 ≤ 25 ms`, ok: a.p99 <= 25 && apiResult.load.errors === 0, detail: `p99 ${ms(a.p99)} ms${apiResult.load.errors ? `, ${apiResult.load.errors} erreur(s)` : ''}` });
    const sql = get('sql');
    if (sql) {
      const s = summarize(sql.load.latencies);
      checks.push({ label: `${SCENARIO_LABELS[scenario]} : p50 ≤ 2 × SQL brut`, ok: a.p50 <= 2 * s.p50, detail: `${ms(a.p50)} contre ${ms(s.p50)} ms (× ${(a.p50 / s.p50).toFixed(1)})` });
    }
    const pgr = get('postgraphile');
    if (pgr) {
      checks.push({ label: `${SCENARIO_LABELS[scenario]} : plus de req/s que PostGraphile`, ok: apiResult.load.perSecond > pgr.load.perSecond, detail: `${num(apiResult.load.perSecond)} contre ${num(pgr.load.perSecond)} req/s` });
    }
  }
  const code = verdict('bench:reads', checks);
  saveResults('reads', {
    machine,
    load: loadReport,
    options,
    checks,
    signalements: Number(volume.rows[0]!.n),
    results: results.map((r) => ({ scenario: r.scenario, system: r.system, perSecond: r.load.perSecond, latency: summarize(r.load.latencies), errors: r.load.errors, serverCpu: r.serverCpu })),
  });
  process.exit(code);
}

async function sanityCheck(operations: Record<System, Record<Scenario, () => Promise<unknown>>>, systems: System[]) {
  for (const system of systems) {
    for (const [scenario, operation] of Object.entries(operations[system])) {
      try {
        await operation();
      } catch (error) {
        throw new Error(`${system} ${scenario} : ${(error as Error).message}`);
      }
    }
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(2);
});
