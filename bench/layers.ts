/**
 * Banc des couches (issue 7) : où va le processeur d'une lecture de l'API.
 *
 *   npm run bench:layers -- --rounds 7 --requests 300
 *
 * bench:reads dit que l'API sert 3 à 4 fois moins de lectures que le SQL brut ou PostGraphile ; ce
 * banc dit quelle couche les coûte. La même lecture, une requête à la fois, est faite à chaque
 * couche de la pile, du SQL brut au serveur complet :
 *  - `sql`     : SQL brut (`pg`) : session (une fois), puis page et total (le témoin, bench/lib/read-queries.ts) ;
 *  - `prisma`  : les mêmes lectures par Prisma : la session par `findAccess`, la page par
 *                `findMany` avec la sélection du document de l'application web, le total par `count` ;
 *  - `graphql` : le document de l'application web exécuté sur le schéma du produit (Pothos, Prisma),
 *                contexte (session) compris, sans HTTP ;
 *  - `yoga`    : l'application Yoga entière dans ce processus (`app.fetch`) : requête et réponse
 *                Fetch, greffons de sécurité, sérialisation ; compte aussi la construction de la
 *                requête et la lecture de la réponse par ce banc ;
 *  - `http`    : l'API dans son propre processus, lancée comme en production, appelée en HTTP par un
 *                client ; c'est le temps processeur de ce processus-là qui est relevé.
 * Pour les quatre premières, le temps processeur de ce processus (utilisateur et système, pilote
 * `pg` compris) ; PostgreSQL, qui fait le même travail pour toutes, n'est compté nulle part. Les
 * couches passent à tour de rôle (`--rounds` tours de `--requests` requêtes, après une chauffe) et
 * le banc imprime la médiane des tours : la différence entre deux couches est ce que coûte la
 * seconde. Le même parquet et la même session servent partout ; comme dans le serveur, qui garde
 * ses sessions en mémoire (apps/api/src/domains/auth/session-cache.ts), chaque couche ne la lit en
 * base qu'une fois : une requête mesurée ne compte que la page (et son total).
 *
 * `npm run bench:layers` fixe NODE_ENV=production, comme le serveur mesuré : sans lui, graphql-js
 * fait ses vérifications de développement (instanceOf) dans les couches `graphql` et `yoga`.
 *
 * Objectif rapporté : le coût de l'ORM (couche prisma) ≤ 2 × le SQL brut, ici en processeur.
 */
import { createPrismaClient } from '@infoparquet/db';
import { execute, parse } from 'graphql';
import pg from 'pg';
import { readFlags } from './lib/args.js';
import { databaseExists, databaseUrl } from './lib/db.js';
import { createAgent, gql } from './lib/http.js';
import { describeMachine, formatMachine, LoadMonitor, processCpuSeconds } from './lib/machine.js';
import { BENCH_API_ENV, startApi } from './lib/processes.js';
import { API_QUERIES, API_VARIABLES, INBOX_STATUSES, SCENARIO_LABELS, SQL_INBOX, SQL_INBOX_COUNT, SQL_URGENT, SQL_VIEWER } from './lib/read-queries.js';
import { saveResults, verdict, type Check } from './lib/report.js';
import { num, table } from './lib/stats.js';
import { buildApp } from '../apps/api/src/app.js';
import { createContext } from '../apps/api/src/context.js';
import { startSessionCache } from '../apps/api/src/domains/auth/session-cache.js';
import { findAccess, hashToken, newSessionToken, type Viewer } from '../apps/api/src/domains/auth/sessions.js';
import { visibleWhere } from '../apps/api/src/domains/signalements/permissions.js';
import { readEnv } from '../apps/api/src/env.js';
import { createRealtime } from '../apps/api/src/realtime/index.js';
import { schema } from '../apps/api/src/schema/index.js';

const options = readFlags('Banc des couches : le processeur d’une lecture, du SQL brut au serveur complet.', {
  database: 'ip_bench',
  /** Tours : chaque couche passe une fois par tour. */
  rounds: 7,
  /** Requêtes par couche et par tour. */
  requests: 300,
  /** Requêtes de chauffe par couche, avant le premier tour. */
  warmup: 500,
});

const LAYERS = ['sql', 'prisma', 'graphql', 'yoga', 'http'] as const;
type Layer = (typeof LAYERS)[number];
const LAYER_LABELS: Record<Layer, string> = {
  sql: 'SQL brut (pg)',
  prisma: '+ Prisma',
  graphql: '+ exécution GraphQL (Pothos)',
  yoga: '+ Yoga (Fetch, greffons)',
  http: 'serveur complet (HTTP, autre processus)',
};
type Scenario = 'inbox' | 'urgentQueue';
const SCENARIOS: Scenario[] = ['inbox', 'urgentQueue'];

async function main() {
  const machine = await describeMachine('postgresql://postgres@127.0.0.1:5432/postgres');
  console.info(formatMachine(machine));
  if (!(await databaseExists(options.database))) throw new Error(`Base ${options.database} absente : lancer d’abord npm run bench:seed.`);
  const monitor = new LoadMonitor();
  const url = databaseUrl(options.database);
  const pool = new pg.Pool({ connectionString: url, max: 10 });

  // Un greffier du parquet qui a le plus d'urgents en attente : la file d'urgence n'est pas vide.
  const { rows } = await pool.query<{ id: string; code: string }>(
    `SELECT u.id, o.code FROM app_user u JOIN organization o ON o.id = u.organization_id
     WHERE u.role = 'CLERK' AND u.active AND o.id = (
       SELECT parquet_id FROM signalement WHERE status = 'TRANSMITTED' AND urgent GROUP BY parquet_id ORDER BY count(*) DESC, parquet_id LIMIT 1)
     ORDER BY u.id LIMIT 1`,
  );
  const clerk = rows[0];
  if (!clerk) throw new Error('Aucun greffier de parquet dans la base.');
  const token = newSessionToken();
  await pool.query(
    `INSERT INTO session (id, token_hash, user_id, created_at, expires_at, last_used_at) VALUES (gen_random_uuid(), $1, $2, now(), now() + interval '12 hours', now())`,
    [hashToken(token), clerk.id],
  );

  const env = readEnv({ ...process.env, ...BENCH_API_ENV, DATABASE_URL: url });
  const prisma = createPrismaClient(url, { maxConnections: 10 });
  const realtime = createRealtime(prisma, { pollIntervalMs: env.EVENT_POLL_MS });
  // Comme le serveur, chaque couche prend la session de sa mémoire après la première lecture.
  const sessions = startSessionCache(prisma, url, { ttlMs: env.SESSION_CACHE_SECONDS * 1000 });
  const deps = { prisma, env, realtime, sessions };
  const app = buildApp(deps);
  const api = await startApi({ databaseUrl: url });
  const agent = createAgent(1);
  const documents = { inbox: parse(API_QUERIES.inbox), urgentQueue: parse(API_QUERIES.urgentQueue) };
  const authorization = `Bearer ${token}`;

  let sqlSession: { organization_id: string } | undefined;
  const sqlViewer = async () => (sqlSession ??= (await pool.query(SQL_VIEWER, [hashToken(token)])).rows[0] as { organization_id: string });
  let prismaSession: Viewer | null | undefined;
  const prismaViewer = async () => {
    prismaSession ??= (await findAccess(prisma, token))?.viewer ?? null;
    if (!prismaSession) throw new Error('session refusée');
    return prismaSession;
  };
  const organizationName = { select: { name: true } } as const;
  const graphqlResult = (result: { errors?: readonly unknown[] }) => {
    if (result.errors?.length) throw new Error(JSON.stringify(result.errors));
  };
  const operations: Record<Layer, Record<Scenario, () => Promise<unknown>>> = {
    sql: {
      inbox: async () => {
        const viewer = await sqlViewer();
        return Promise.all([pool.query(SQL_INBOX, [viewer.organization_id, INBOX_STATUSES]), pool.query(SQL_INBOX_COUNT, [viewer.organization_id, INBOX_STATUSES])]);
      },
      urgentQueue: async () => pool.query(SQL_URGENT, [(await sqlViewer()).organization_id]),
    },
    prisma: {
      inbox: async () => {
        const where = { AND: [visibleWhere(await prismaViewer()), { status: { in: INBOX_STATUSES as never } }] };
        return Promise.all([
          prisma.signalement.findMany({
            where,
            select: { id: true, reference: true, title: true, status: true, urgent: true, createdAt: true, transmittedAt: true, administration: organizationName, parquet: organizationName },
            orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
            take: 21,
          }),
          prisma.signalement.count({ where }),
        ]);
      },
      urgentQueue: async () =>
        prisma.signalement.findMany({
          where: { parquetId: (await prismaViewer()).organizationId, status: 'TRANSMITTED', urgent: true },
          select: { id: true, reference: true, title: true, urgencyReason: true, urgencyDetail: true, transmittedAt: true, administration: organizationName },
          orderBy: [{ transmittedAt: 'asc' }, { id: 'asc' }],
        }),
    },
    graphql: Object.fromEntries(
      SCENARIOS.map((scenario) => [
        scenario,
        async () => {
          const contextValue = await createContext(deps, authorization);
          graphqlResult(await execute({ schema, document: documents[scenario], variableValues: API_VARIABLES[scenario], contextValue }));
        },
      ]),
    ) as Record<Scenario, () => Promise<unknown>>,
    yoga: Object.fromEntries(
      SCENARIOS.map((scenario) => {
        const body = JSON.stringify({ query: API_QUERIES[scenario], variables: API_VARIABLES[scenario] });
        return [
          scenario,
          async () => {
            const response = await app.fetch('http://127.0.0.1/graphql', { method: 'POST', headers: { 'content-type': 'application/json', authorization }, body });
            graphqlResult((await response.json()) as { errors?: unknown[] });
          },
        ];
      }),
    ) as Record<Scenario, () => Promise<unknown>>,
    http: Object.fromEntries(SCENARIOS.map((scenario) => [scenario, () => gql(api.url, token, API_QUERIES[scenario], API_VARIABLES[scenario], agent)])) as Record<
      Scenario,
      () => Promise<unknown>
    >,
  };

  // Le processeur d'une couche : celui de ce processus, sauf pour `http` (celui de l'API).
  const cpuSeconds = (layer: Layer) => {
    if (layer === 'http') return processCpuSeconds(api.pid);
    const usage = process.cpuUsage();
    return (usage.user + usage.system) / 1e6;
  };
  const samples = new Map<string, { cpu: number[]; wall: number[] }>();
  for (const scenario of SCENARIOS) {
    for (const layer of LAYERS) {
      const operation = operations[layer][scenario];
      for (let i = 0; i < options.warmup; i += 1) await operation();
    }
  }
  for (let round = 0; round < options.rounds; round += 1) {
    for (const scenario of SCENARIOS) {
      for (const layer of LAYERS) {
        const operation = operations[layer][scenario];
        const cpuBefore = cpuSeconds(layer);
        const began = performance.now();
        for (let i = 0; i < options.requests; i += 1) await operation();
        const wall = (performance.now() - began) / options.requests;
        const cpu = ((cpuSeconds(layer) - cpuBefore) * 1000) / options.requests;
        const entry = samples.get(`${scenario}/${layer}`) ?? { cpu: [], wall: [] };
        entry.cpu.push(cpu);
        entry.wall.push(wall);
        samples.set(`${scenario}/${layer}`, entry);
      }
    }
    console.info(`  tour ${round + 1}/${options.rounds} fait`);
  }

  agent.destroy();
  await api.stop();
  await realtime.close();
  await sessions.close();
  await prisma.$disconnect();
  await pool.query('DELETE FROM session WHERE token_hash = $1', [hashToken(token)]);
  await pool.end();
  const loadReport = monitor.stop();

  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
  const results = SCENARIOS.flatMap((scenario) =>
    LAYERS.map((layer) => {
      const entry = samples.get(`${scenario}/${layer}`)!;
      return { scenario, layer, cpuMs: median(entry.cpu), wallMs: median(entry.wall) };
    }),
  );
  const checks: Check[] = [];
  for (const scenario of SCENARIOS) {
    const rowsOf = results.filter((r) => r.scenario === scenario);
    const sql = rowsOf.find((r) => r.layer === 'sql')!.cpuMs;
    console.info(`\n${SCENARIO_LABELS[scenario]} (parquet ${clerk.code}), par requête, médiane de ${options.rounds} tours de ${options.requests} :`);
    console.info(
      table(
        ['couche', 'processeur ms', '× SQL brut', 'durée ms (1 client)'],
        rowsOf.map((r) => [LAYER_LABELS[r.layer], r.cpuMs.toFixed(3), (r.cpuMs / sql).toFixed(1), r.wallMs.toFixed(2)]),
      ),
    );
    const prismaCpu = rowsOf.find((r) => r.layer === 'prisma')!.cpuMs;
    checks.push({ label: `${SCENARIO_LABELS[scenario]} : processeur de l'ORM (Prisma) ≤ 2 × SQL brut`, ok: prismaCpu <= 2 * sql, detail: `${prismaCpu.toFixed(3)} contre ${sql.toFixed(3)} ms (× ${(prismaCpu / sql).toFixed(1)})` });
  }
  console.info(`\n(${num(options.rounds * options.requests * LAYERS.length * SCENARIOS.length)} requêtes mesurées)`);
  const code = verdict('bench:layers', checks);
  saveResults('layers', { machine, load: loadReport, options, checks, parquet: clerk.code, results });
  process.exit(code);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(2);
});
