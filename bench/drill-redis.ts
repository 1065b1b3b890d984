/**
 * Exercice de panne (issue 7) : Redis arrêté puis relancé.
 *
 *   npm run drill:redis -- --phase 6 --down 10
 *
 * Un Redis privé (port libre, sans persistance ; jamais celui de la machine), deux instances de
 * l'API dessus, des écrans de file d'urgence abonnés sur chacune. Un agent transmet des urgents
 * par l'instance A, à un rythme régulier, pendant trois phases : Redis en marche (`--phase` s),
 * Redis arrêté (`--down` s), Redis relancé sur le même port (`--phase` s). On vérifie :
 *  - les transmissions continuent pendant la panne (la base fait foi, Redis ne porte que des
 *    signaux et les compteurs de débit) ;
 *  - les écrans de A reçoivent les événements aussitôt, panne ou pas ;
 *  - les écrans de B les reçoivent quand même : la relecture périodique du journal
 *    (EVENT_POLL_MS) rattrape les signaux perdus, et le direct revient quand Redis revient ;
 *  - au bout du compte, aucun écran n'a manqué un événement ni n'en a reçu deux.
 * Sort avec le code 1 si un événement est perdu ou si une transmission échoue.
 */
import pg from 'pg';
import { readFlags } from './lib/args.js';
import { recreateDatabase } from './lib/db.js';
import { LiveScreen, newWriterRecord, settleScreens, viewerOf, writerLoop } from './lib/drill.js';
import { createAgent } from './lib/http.js';
import { describeMachine, formatMachine, LoadMonitor } from './lib/machine.js';
import { startApi, startRedis } from './lib/processes.js';
import { saveResults, verdict, type Check } from './lib/report.js';
import { ms, num, sleep, summarize, table } from './lib/stats.js';
import { checkIntegrity, integrityOk } from './lib/verify.js';
import { createAccounts, createOrganizations, parquetCodes } from './lib/world.js';

const options = readFlags('Exercice : Redis arrêté puis relancé sous charge.', {
  phase: 6,
  down: 10,
  /** Pause entre deux transmissions de l'agent, en millisecondes. */
  pace: 250,
  screens: 4,
  /** Relecture de sûreté du journal par chaque instance (EVENT_POLL_MS, 2000 par défaut en production). */
  pollMs: 2000,
  database: 'ip_bench_drill_redis',
});

async function main() {
  const machine = await describeMachine('postgresql://postgres@127.0.0.1:5432/postgres');
  console.info(formatMachine(machine));
  const monitor = new LoadMonitor();
  const url = await recreateDatabase(options.database);
  const pool = new pg.Pool({ connectionString: url, max: 4 });
  const [parquet] = await createOrganizations(pool, 'PARQUET', parquetCodes(1).map((code) => ({ code, name: `Parquet ${code}`, departement: '77' })));
  const [administration] = await createOrganizations(pool, 'ADMINISTRATION', [{ code: 'ADM-EX', name: 'Administration', departement: '77' }]);
  const [writer] = await createAccounts(pool, administration!.id, 'AGENT', 1, 'agent');

  const redis = await startRedis();
  const env = { EVENT_POLL_MS: String(options.pollMs) };
  const a = await startApi({ databaseUrl: url, redisUrl: redis.url, env });
  const b = await startApi({ databaseUrl: url, redisUrl: redis.url, env });
  console.info(`Redis privé ${redis.url} ; A ${a.url} (pid ${a.pid}), B ${b.url} (pid ${b.pid}) ; relecture du journal toutes les ${options.pollMs} ms`);

  const screens: LiveScreen[] = [];
  for (const [instance, api] of [a, b].entries()) {
    for (const account of await createAccounts(pool, parquet!.id, 'CLERK', options.screens, `greffe${instance}`)) {
      screens.push(new LiveScreen(`file sur ${'AB'[instance]}`, viewerOf(account, parquet!, 'PARQUET'), account.token, 'urgentQueueChanged', [api.url], 0n, 0));
    }
  }
  await Promise.all(screens.map((screen) => screen.start()));

  // Phases : Redis en marche, arrêté, relancé. L'agent ne parle qu'à A.
  const record = newWriterRecord();
  const agent = createAgent(2);
  let stop = false;
  const loop = writerLoop({ urls: [a.url], start: 0, token: writer!.token, parquetCodes: [parquet!.code], urgentShare: 1, agent, record, until: () => stop, pauseMs: options.pace });
  const marks: { name: string; from: number; to: number }[] = [];
  let t = Date.now();
  await sleep(options.phase * 1000);
  marks.push({ name: 'Redis en marche', from: t, to: Date.now() });
  await redis.stop();
  t = Date.now();
  console.info('Redis arrêté');
  await sleep(options.down * 1000);
  marks.push({ name: 'Redis arrêté', from: t, to: Date.now() });
  const restarted = await startRedis(redis.port);
  t = Date.now();
  console.info('Redis relancé sur le même port');
  await sleep(options.phase * 1000);
  marks.push({ name: 'Redis relancé', from: t, to: Date.now() });
  stop = true;
  await loop;
  agent.destroy();

  const screensResult = await settleScreens(pool, screens, 0n, 30_000);
  for (const screen of screens) screen.stop();
  const integrity = await checkIntegrity(pool, record.acknowledged);
  const aliveA = a.alive();
  const aliveB = b.alive();
  for (const [name, instance] of [['A', a], ['B', b]] as const) {
    if (!instance.alive()) console.info(`\nL’instance ${name} s’est arrêtée (${JSON.stringify(await instance.exited)}) ; fin de sa sortie :\n${instance.output.toString().slice(-3000)}`);
  }
  await a.stop();
  await b.stop();
  await restarted.stop();
  await pool.end();
  const loadReport = monitor.stop();

  // Délai de l'événement (instant du commit → réception) par phase et par instance, d'après l'instant de la transmission.
  const rows: (string | number)[][] = [];
  const perPhase: Record<string, Record<string, ReturnType<typeof summarize>>> = {};
  for (const mark of marks) {
    perPhase[mark.name] = {};
    for (const instance of ['A', 'B']) {
      const delays = screens
        .filter((s) => s.name.endsWith(instance))
        .flatMap((s) => s.events.filter((e) => e.at >= mark.from && e.at < mark.to).map((e) => e.receivedAt - e.at));
      const s = summarize(delays);
      perPhase[mark.name]![instance] = s;
      rows.push([mark.name, `écrans de ${instance}`, num(s.count), ms(s.p50), ms(s.p99), ms(s.max)]);
    }
  }
  const errors = record.errors.length;
  console.info(`\nTransmissions par A : ${num(record.acknowledged.size)} acquittées, ${errors} erreur(s)${errors ? ` (${record.errors.slice(0, 3).map((e) => e.kind).join(' | ')})` : ''} ; ${integrityOk(integrity) && integrity.missing.length === 0 ? 'toutes en base, sans doublon ni trou' : 'PERTES'}`);
  console.info(table(['phase', '', 'messages', 'p50 ms', 'p99 ms', 'max ms'], rows));
  console.info(`Écrans : ${num(screensResult.expectedTotal)} événements attendus, ${screensResult.missingTotal} manquant(s), ${screensResult.duplicateTotal} en double`);
  for (const line of screensResult.details.slice(0, 10)) console.info(`  ${line}`);

  const down = perPhase['Redis arrêté']!;
  const after = perPhase['Redis relancé']!;
  const checks: Check[] = [
    { label: 'les transmissions continuent pendant la panne', ok: errors === 0 && integrity.missing.length === 0 && integrityOk(integrity), detail: `${errors} erreur(s), ${num(integrity.acknowledged)} acquittées, ${integrity.missing.length} manquante(s)` },
    { label: 'les écrans de la même instance reçoivent aussitôt pendant la panne (p99 < 1 s)', ok: down.A!.count > 0 && down.A!.p99 < 1000, detail: `p99 ${ms(down.A!.p99)} ms sur ${num(down.A!.count)} messages` },
    { label: `les écrans de l’autre instance rattrapent par le journal pendant la panne (≤ ${options.pollMs} ms + 1 s)`, ok: down.B!.count > 0 && down.B!.max <= options.pollMs + 1000, detail: `max ${ms(down.B!.max)} ms, p50 ${ms(down.B!.p50)} ms` },
    { label: 'le direct entre instances revient avec Redis (p99 < 1 s)', ok: after.B!.count > 0 && after.B!.p99 < 1000, detail: `p99 ${ms(after.B!.p99)} ms sur ${num(after.B!.count)} messages` },
    { label: 'aucun événement manqué ni en double', ok: screensResult.missingTotal === 0 && screensResult.duplicateTotal === 0 && screensResult.unexpectedTotal === 0, detail: `${screensResult.missingTotal} manquant(s), ${screensResult.duplicateTotal} en double sur ${num(screensResult.expectedTotal)}` },
    { label: 'les deux instances restent en vie', ok: aliveA && aliveB, detail: `A ${aliveA ? 'en vie' : 'arrêtée'}, B ${aliveB ? 'en vie' : 'arrêtée'}` },
  ];
  const code = verdict('drill:redis', checks);
  saveResults('drill-redis', { machine, load: loadReport, options, checks, phases: perPhase, transmissions: { acknowledged: integrity.acknowledged, errors }, screens: screensResult });
  process.exit(code);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(2);
});
