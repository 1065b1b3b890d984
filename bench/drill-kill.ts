/**
 * Exercice de panne (issue 7) : une instance de l'API tuée (SIGKILL) en pleine charge.
 *
 *   npm run drill:kill -- --before 8 --after 8 --writers 8
 *
 * Deux instances de l'API (processus séparés) sur la même base et un Redis privé. Des agents
 * créent et transmettent en boucle, la moitié sur chaque instance ; des écrans (files d'urgence de
 * parquets, fils d'événements d'administrations) sont abonnés, la moitié sur chaque instance, à
 * partir d'un curseur connu. Après `--before` secondes, l'instance A est tuée par SIGKILL : ses
 * agents passent sur B (comme derrière un répartiteur de charge), ses écrans se reconnectent à B
 * et reprennent à leur dernier curseur. `--after` secondes plus tard, tout s'arrête et l'on
 * vérifie :
 *  - chaque transmission acquittée (référence reçue) est en base, sur le bon signalement ;
 *  - aucune référence en double, aucune suite avec un trou ; transmissions atomiques ; chaîne
 *    d'audit intacte ;
 *  - chaque écran a reçu exactement ce qu'il devait (projection du journal), sans manque ni doublon.
 * Sort avec le code 1 si quoi que ce soit est perdu.
 */
import pg from 'pg';
import { createPrismaClient } from '@infoparquet/db';
import { verifyAuditChain } from '../apps/api/src/domains/audit/chain.js';
import { readFlags } from './lib/args.js';
import { recreateDatabase } from './lib/db.js';
import { checkAtomicity, LiveScreen, newWriterRecord, settleScreens, viewerOf, writerLoop } from './lib/drill.js';
import { createAgent } from './lib/http.js';
import { describeMachine, formatMachine, LoadMonitor } from './lib/machine.js';
import { startApi, startRedis } from './lib/processes.js';
import { saveResults, verdict, type Check } from './lib/report.js';
import { num, sleep } from './lib/stats.js';
import { checkIntegrity, formatIntegrity, integrityOk } from './lib/verify.js';
import { createAccounts, createOrganizations, parquetCodes, type Account } from './lib/world.js';

const options = readFlags('Exercice : SIGKILL d’une instance de l’API sous charge.', {
  before: 8,
  after: 8,
  writers: 8,
  /** Écrans par organisation et par instance. */
  screens: 3,
  parquets: 4,
  administrations: 4,
  urgentShare: 0.5,
  database: 'ip_bench_drill_kill',
});

async function main() {
  const machine = await describeMachine('postgresql://postgres@127.0.0.1:5432/postgres');
  console.info(formatMachine(machine));
  const monitor = new LoadMonitor();
  const url = await recreateDatabase(options.database);
  const pool = new pg.Pool({ connectionString: url, max: 4 });
  const parquets = await createOrganizations(pool, 'PARQUET', parquetCodes(options.parquets).map((code) => ({ code, name: `Parquet ${code}`, departement: '77' })));
  const administrations = await createOrganizations(pool, 'ADMINISTRATION', Array.from({ length: options.administrations }, (_, i) => ({ code: `ADM-EX-${i + 1}`, name: `Administration ${i + 1}`, departement: '77' })));
  const writers: Account[] = [];
  for (let i = 0; i < options.writers; i += 1) writers.push(...(await createAccounts(pool, administrations[i % administrations.length]!.id, 'AGENT', 1, `agent${i}`)));

  const redis = await startRedis();
  const env = { EVENT_POLL_MS: '2000' };
  const a = await startApi({ databaseUrl: url, redisUrl: redis.url, env });
  const b = await startApi({ databaseUrl: url, redisUrl: redis.url, env });
  const urls = [a.url, b.url];
  console.info(`instances : A ${a.url} (pid ${a.pid}), B ${b.url} (pid ${b.pid}) ; Redis privé ${redis.url}`);

  // ——— Écrans, abonnés à partir du curseur courant ———
  const { rows } = await pool.query<{ head: string | null }>('SELECT max(id)::text AS head FROM audit_event');
  const from = BigInt(rows[0]?.head ?? '0');
  const screens: LiveScreen[] = [];
  for (const [instance] of urls.entries()) {
    for (const parquet of parquets) {
      for (const account of await createAccounts(pool, parquet.id, 'CLERK', options.screens, `greffe${instance}`)) {
        screens.push(new LiveScreen(`file ${parquet.code} sur ${'AB'[instance]}`, viewerOf(account, parquet, 'PARQUET'), account.token, 'urgentQueueChanged', urls, from, instance));
      }
    }
    for (const administration of administrations) {
      for (const account of await createAccounts(pool, administration.id, 'READER', options.screens, `lecteur${instance}`)) {
        screens.push(new LiveScreen(`fil ${administration.code} sur ${'AB'[instance]}`, viewerOf(account, administration, 'ADMINISTRATION'), account.token, 'signalementEvents', urls, from, instance));
      }
    }
  }
  await Promise.all(screens.map((screen) => screen.start()));
  console.info(`${screens.length} écrans abonnés (curseur ${from}), ${writers.length} agents`);

  // ——— Charge, puis SIGKILL de A ———
  const record = newWriterRecord();
  const agent = createAgent(options.writers * 2);
  let stop = false;
  const loops = writers.map((writer, i) =>
    writerLoop({ urls, start: i % 2, token: writer.token, parquetCodes: parquets.map((p) => p.code), urgentShare: options.urgentShare, agent, record, until: () => stop }),
  );
  await sleep(options.before * 1000);
  const killedAt = Date.now();
  const acknowledgedBeforeKill = record.acknowledged.size;
  a.child.kill('SIGKILL');
  await a.exited;
  console.info(`A tuée (SIGKILL) après ${options.before} s : ${acknowledgedBeforeKill} transmissions acquittées jusque-là`);
  await sleep(options.after * 1000);
  stop = true;
  await Promise.all(loops);
  agent.destroy();
  const firstSuccessAfterKill = record.successes.find((t) => t > killedAt);

  // ——— Vérifications ———
  const screensResult = await settleScreens(pool, screens, from, 30_000);
  const startedOnA = screens.filter((s) => s.name.endsWith('sur A'));
  const moved = startedOnA.filter((s) => s.closures.length > 0 && s.instance === 1).length;
  const onA = startedOnA.length;
  for (const screen of screens) screen.stop();
  const integrity = await checkIntegrity(pool, record.acknowledged);
  const atomicity = await checkAtomicity(pool);
  const uncertain = await pool.query<{ id: string; status: string }>(`SELECT id, status FROM signalement WHERE id = ANY($1::uuid[])`, [[...record.uncertain]]);
  const prisma = createPrismaClient(url, { maxConnections: 2 });
  const chain = await verifyAuditChain(prisma);
  await prisma.$disconnect();
  await b.stop();
  await redis.stop();
  await pool.end();
  const loadReport = monitor.stop();

  const errorsAfterKill = record.errors.filter((e) => e.at >= killedAt);
  console.info(`\nTransmissions : ${formatIntegrity(integrity)}`);
  console.info(`  ${acknowledgedBeforeKill} acquittées avant la panne, ${record.acknowledged.size - acknowledgedBeforeKill} après ; ${errorsAfterKill.length} erreur(s) vues par les agents au moment de la panne`);
  console.info(`  première transmission réussie ${firstSuccessAfterKill ? `${firstSuccessAfterKill - killedAt} ms` : '(aucune)'} après le SIGKILL`);
  console.info(
    `  ${record.uncertain.size} transmission(s) en échec ou sans réponse : ${uncertain.rows.filter((r) => r.status === 'TRANSMITTED').length} validée(s) malgré tout, ` +
      `${uncertain.rows.filter((r) => r.status === 'DRAFT').length} restée(s) brouillon (annulée avec la connexion), ${record.uncertain.size - uncertain.rowCount!} absente(s)`,
  );
  console.info(`  atomicité : ${atomicity.length ? atomicity.join(' ; ') : 'chaque transmission a son étape et son événement d’audit'}`);
  console.info(`  chaîne d’audit : ${chain.ok ? `intacte (${num(chain.count)} événements)` : `ROMPUE à ${chain.brokenAt} : ${chain.reason}`}`);
  console.info(`\nÉcrans : ${num(screensResult.expectedTotal)} événements attendus, ${screensResult.missingTotal} manquant(s), ${screensResult.duplicateTotal} en double, ${screensResult.unexpectedTotal} inattendu(s)`);
  console.info(`  ${moved}/${onA} écrans de A repris sur B à leur curseur`);
  for (const line of screensResult.details.slice(0, 10)) console.info(`  ${line}`);

  const checks: Check[] = [
    { label: 'chaque transmission acquittée est en base avec sa référence', ok: integrity.missing.length === 0, detail: `${integrity.missing.length} manquante(s) sur ${num(integrity.acknowledged)}` },
    { label: 'aucune référence en double ni trou', ok: integrityOk(integrity), detail: `${integrity.duplicates.length} doublon(s), ${integrity.gaps.length} trou(s)` },
    { label: 'transmissions atomiques, chaîne d’audit intacte', ok: atomicity.length === 0 && chain.ok, detail: chain.ok ? atomicity.join(' ; ') || 'oui' : 'chaîne rompue' },
    { label: 'les écrans de A reprennent sur B', ok: moved === onA, detail: `${moved}/${onA}` },
    { label: 'aucun événement manqué ni en double', ok: screensResult.missingTotal === 0 && screensResult.duplicateTotal === 0 && screensResult.unexpectedTotal === 0, detail: `${screensResult.missingTotal} manquant(s), ${screensResult.duplicateTotal} en double sur ${num(screensResult.expectedTotal)}` },
    { label: 'la charge continue sur B', ok: record.acknowledged.size > acknowledgedBeforeKill, detail: `${record.acknowledged.size - acknowledgedBeforeKill} transmissions après la panne` },
  ];
  const code = verdict('drill:kill', checks);
  saveResults('drill-kill', {
    machine, load: loadReport, options, checks,
    transmissions: { acknowledged: integrity.acknowledged, beforeKill: acknowledgedBeforeKill, errorsAtKill: errorsAfterKill.length, uncertain: record.uncertain.size, recoveryMs: firstSuccessAfterKill ? firstSuccessAfterKill - killedAt : null },
    screens: { count: screens.length, moved, ...screensResult, details: screensResult.details.slice(0, 10) },
  });
  process.exit(code);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(2);
});
