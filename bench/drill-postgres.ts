/**
 * Exercice de panne (issue 7) : PostgreSQL redémarré sous charge.
 *
 *   npm run drill:postgres -- --before 6 --down 5 --after 10
 *
 * Jamais le PostgreSQL partagé de la machine : l'exercice crée son propre cluster jetable
 * (initdb dans un dossier temporaire, port libre, lancé par l'utilisateur système postgres),
 * y migre une base, démarre une instance de l'API dessus, puis des agents transmettent en
 * boucle et des écrans sont abonnés. Après `--before` secondes, le cluster est arrêté
 * (pg_ctl stop -m fast : les connexions sont coupées) pendant `--down` secondes, puis relancé.
 * On vérifie :
 *  - pendant la coupure, l'API reste en vie et répond (des erreurs, vite, pas un processus mort
 *    ni des requêtes pendues) ;
 *  - après, elle se rétablit seule (même processus, sans redémarrage) : temps jusqu'à la
 *    première transmission réussie ;
 *  - rien d'acquitté n'est perdu (références, doublons, trous, atomicité, chaîne d'audit) ;
 *  - les écrans reçoivent tout ce qu'ils devaient, y compris ce qui a suivi la coupure ;
 *  - l'écoute des changements de sessions (sessions gardées en mémoire) est revenue seule.
 * Sort avec le code 1 si quoi que ce soit est perdu ou si l'API ne se rétablit pas.
 */
import pg from 'pg';
import { createPrismaClient, listenerApplicationName, migrateDatabase } from '@infoparquet/db';
import { verifyAuditChain } from '../apps/api/src/domains/audit/chain.js';
import { SESSION_CHANGED_CHANNEL } from '../apps/api/src/domains/auth/session-cache.js';
import { readFlags } from './lib/args.js';
import { databaseUrl } from './lib/db.js';
import { checkAtomicity, LiveScreen, newWriterRecord, settleScreens, viewerOf, writerLoop } from './lib/drill.js';
import { createAgent } from './lib/http.js';
import { describeMachine, formatMachine, LoadMonitor } from './lib/machine.js';
import { createPrivateCluster, startApi } from './lib/processes.js';
import { saveResults, verdict, type Check } from './lib/report.js';
import { num, sleep, summarize } from './lib/stats.js';
import { checkIntegrity, formatIntegrity, integrityOk } from './lib/verify.js';
import { createAccounts, createOrganizations, parquetCodes, type Account } from './lib/world.js';

const options = readFlags('Exercice : redémarrage de PostgreSQL (cluster jetable) sous charge.', {
  before: 6,
  down: 5,
  after: 10,
  writers: 4,
  screens: 2,
  urgentShare: 0.5,
});

async function main() {
  const machine = await describeMachine('postgresql://postgres@127.0.0.1:5432/postgres');
  console.info(formatMachine(machine));
  const monitor = new LoadMonitor();
  const cluster = await createPrivateCluster();
  console.info(`cluster PostgreSQL jetable : ${cluster.dir}, port ${cluster.port}`);
  try {
    const admin = new pg.Client({ connectionString: databaseUrl('postgres', cluster.serverUrl) });
    await admin.connect();
    await admin.query('CREATE DATABASE ip_bench_drill_pg');
    await admin.end();
    const url = databaseUrl('ip_bench_drill_pg', cluster.serverUrl);
    await migrateDatabase(url, { quiet: true });

    const setup = new pg.Client({ connectionString: url });
    await setup.connect();
    const parquets = await createOrganizations(setup, 'PARQUET', parquetCodes(2).map((code) => ({ code, name: `Parquet ${code}`, departement: '77' })));
    const [administration] = await createOrganizations(setup, 'ADMINISTRATION', [{ code: 'ADM-EX', name: 'Administration', departement: '77' }]);
    const writers = await createAccounts(setup, administration!.id, 'AGENT', options.writers, 'agent');
    const screensAccounts: { account: Account; org: (typeof parquets)[number]; kind: 'PARQUET' | 'ADMINISTRATION' }[] = [];
    for (const parquet of parquets) for (const account of await createAccounts(setup, parquet.id, 'CLERK', options.screens, 'greffe')) screensAccounts.push({ account, org: parquet, kind: 'PARQUET' });
    for (const account of await createAccounts(setup, administration!.id, 'READER', options.screens, 'lecteur')) screensAccounts.push({ account, org: administration!, kind: 'ADMINISTRATION' });
    await setup.end();

    const api = await startApi({ databaseUrl: url, env: { EVENT_POLL_MS: '2000' } });
    console.info(`API ${api.url} (pid ${api.pid}) sans Redis`);
    const screens = screensAccounts.map(
      ({ account, org, kind }, i) =>
        new LiveScreen(`${kind === 'PARQUET' ? 'file' : 'fil'} ${org.code} n° ${i}`, viewerOf(account, org, kind), account.token, kind === 'PARQUET' ? 'urgentQueueChanged' : 'signalementEvents', [api.url], 0n, 0),
    );
    await Promise.all(screens.map((screen) => screen.start()));

    const record = newWriterRecord();
    const agent = createAgent(options.writers * 2);
    let stop = false;
    const loops = writers.map((writer) =>
      writerLoop({ urls: [api.url], start: 0, token: writer.token, parquetCodes: parquets.map((p) => p.code), urgentShare: options.urgentShare, agent, record, until: () => stop }),
    );
    await sleep(options.before * 1000);
    const before = record.acknowledged.size;
    const stoppedAt = Date.now();
    cluster.stop('fast');
    console.info(`PostgreSQL arrêté après ${options.before} s (${before} transmissions acquittées) ; ${options.down} s de coupure`);
    await sleep(options.down * 1000);
    cluster.start();
    const restartedAt = Date.now();
    console.info(`PostgreSQL relancé (${((restartedAt - stoppedAt) / 1000).toFixed(1)} s de coupure)`);
    await sleep(options.after * 1000);
    stop = true;
    await Promise.all(loops);
    agent.destroy();

    const during = record.errors.filter((e) => e.at >= stoppedAt && e.at <= restartedAt);
    const firstSuccess = record.successes.find((t) => t > restartedAt);
    const apiAlive = api.alive();
    const pool = new pg.Pool({ connectionString: url, max: 2 });
    const screensResult = await settleScreens(pool, screens, 0n, 30_000);
    for (const screen of screens) screen.stop();
    // Les sessions gardées en mémoire ne servent que si l'écoute de leurs changements est revenue.
    const listening = await waitForSessionListener(pool, 10_000);
    const integrity = await checkIntegrity(pool, record.acknowledged);
    const atomicity = await checkAtomicity(pool);
    const uncertain = await pool.query<{ status: string }>(`SELECT status FROM signalement WHERE id = ANY($1::uuid[])`, [[...record.uncertain]]);
    await pool.end();
    const prisma = createPrismaClient(url, { maxConnections: 2 });
    const chain = await verifyAuditChain(prisma);
    await prisma.$disconnect();
    await api.stop();
    const loadReport = monitor.stop();

    const errorKinds = new Map<string, number>();
    for (const error of during) errorKinds.set(error.kind, (errorKinds.get(error.kind) ?? 0) + 1);
    const errorMs = summarize(during.map((e) => e.ms));
    console.info(`\nPendant la coupure : ${during.length} erreur(s) rendues aux agents, en ${Math.round(errorMs.p50)} ms au p50 et ${Math.round(errorMs.max)} ms au plus :`);
    for (const [kind, n] of [...errorKinds].sort((x, y) => y[1] - x[1]).slice(0, 4)) console.info(`  ${n} × ${kind}`);
    console.info(`API : ${apiAlive ? `toujours le processus ${api.pid}` : 'ARRÊTÉE'} ; première transmission réussie ${firstSuccess ? `${firstSuccess - restartedAt} ms` : '(aucune)'} après le retour de PostgreSQL`);
    console.info(`Sessions en mémoire : écoute des changements ${listening ? 'rétablie' : 'NON RÉTABLIE'} après le retour de PostgreSQL`);
    console.info(`Transmissions : ${formatIntegrity(integrity)} ; ${record.acknowledged.size - before} acquittées après la coupure`);
    console.info(`  ${record.uncertain.size} transmission(s) en échec ou sans réponse : ${uncertain.rows.filter((r) => r.status !== 'DRAFT').length} validée(s) malgré tout, ${uncertain.rows.filter((r) => r.status === 'DRAFT').length} restée(s) brouillon`);
    console.info(`  atomicité : ${atomicity.length ? atomicity.join(' ; ') : 'oui'} ; chaîne d’audit : ${chain.ok ? `intacte (${num(chain.count)} événements)` : `ROMPUE à ${chain.brokenAt}`}`);
    console.info(`Écrans : ${num(screensResult.expectedTotal)} événements attendus, ${screensResult.missingTotal} manquant(s), ${screensResult.duplicateTotal} en double`);
    for (const line of screensResult.details.slice(0, 10)) console.info(`  ${line}`);

    const checks: Check[] = [
      { label: 'l’API reste en vie et répond des erreurs pendant la coupure', ok: apiAlive && during.length > 0 && errorMs.max < 30_000, detail: `${during.length} erreur(s), la plus lente en ${Math.round(errorMs.max)} ms` },
      { label: 'l’API se rétablit seule, sans redémarrage', ok: apiAlive && firstSuccess !== undefined, detail: firstSuccess ? `${firstSuccess - restartedAt} ms après le retour de PostgreSQL` : 'aucune transmission réussie après la coupure' },
      { label: 'l’écoute des changements de sessions revient seule', ok: listening, detail: listening ? 'connexion LISTEN session_changed rétablie' : 'pas de connexion LISTEN après 10 s' },
      { label: 'rien d’acquitté n’est perdu', ok: integrity.missing.length === 0, detail: `${integrity.missing.length} manquante(s) sur ${num(integrity.acknowledged)}` },
      { label: 'aucune référence en double ni trou, transmissions atomiques, chaîne intacte', ok: integrityOk(integrity) && atomicity.length === 0 && chain.ok, detail: `${integrity.duplicates.length} doublon(s), ${integrity.gaps.length} trou(s)` },
      { label: 'les écrans reçoivent tout, sans doublon', ok: screensResult.missingTotal === 0 && screensResult.duplicateTotal === 0 && screensResult.unexpectedTotal === 0, detail: `${screensResult.missingTotal} manquant(s) sur ${num(screensResult.expectedTotal)}` },
    ];
    const code = verdict('drill:postgres', checks);
    saveResults('drill-postgres', {
      machine, load: loadReport, options, checks,
      outage: { seconds: (restartedAt - stoppedAt) / 1000, errors: during.length, errorLatency: errorMs, errorKinds: Object.fromEntries(errorKinds), recoveryMs: firstSuccess ? firstSuccess - restartedAt : null, apiAlive },
      transmissions: { acknowledged: integrity.acknowledged, beforeOutage: before, uncertain: record.uncertain.size },
      screens: screensResult,
    });
    cluster.destroy();
    process.exit(code);
  } catch (error) {
    cluster.destroy();
    throw error;
  }
}

/** La connexion d'écoute des sessions (domains/auth/session-cache.ts) est-elle revenue ? */
async function waitForSessionListener(pool: pg.Pool, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const { rows } = await pool.query(`SELECT 1 FROM pg_stat_activity WHERE application_name = $1 AND state = 'idle'`, [
      listenerApplicationName(SESSION_CHANGED_CHANNEL),
    ]);
    if (rows.length > 0) return true;
    await sleep(200);
  }
  return false;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(2);
});
