/**
 * Banc 1 (issue 7) : transmissions de bout en bout.
 *
 *   npm run bench:transmission -- --duration 60 --clients 16
 *
 * Des agents (un par client, répartis sur `--administrations` administrations) créent puis
 * transmettent des signalements en boucle fermée à `--parquets` parquets, par l'API GraphQL lancée
 * comme en production dans son propre processus. Témoin dans le même lancement : la même
 * transaction écrite à la main en SQL avec `pg` (lib/raw-transmission.ts), même concurrence, même
 * taille de pool (10 connexions). Après chaque phase, l'intégrité est vérifiée en base : chaque
 * référence reçue par un client y est, sur le bon signalement, sans doublon ni trou.
 *
 * Objectifs (machine de 2 cœurs) : ≥ 1 000 signalements validés par seconde, p99 ≤ 50 ms,
 * aucune référence manquante ni en double. La latence d'un signalement est celle que voit
 * l'agent : création du brouillon + transmission.
 */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { readFlags } from './lib/args.js';
import { recreateDatabase, truncateSignalements } from './lib/db.js';
import { createAgent, gql } from './lib/http.js';
import { closedLoop, formatErrors, type LoadResult } from './lib/load.js';
import { describeMachine, formatMachine, LoadMonitor, machineBusyShare, machineCpuSnapshot, processCpuSeconds } from './lib/machine.js';
import { formatWaits, WaitSampler } from './lib/pg-waits.js';
import { startApi, startRedis, type ApiProcess } from './lib/processes.js';
import { rawCreateDraft, rawTransmit } from './lib/raw-transmission.js';
import { saveResults, verdict, type Check } from './lib/report.js';
import { ms, num, summarize, table } from './lib/stats.js';
import { checkIntegrity, formatIntegrity, integrityOk, type Integrity } from './lib/verify.js';
import { createAccounts, createOrganizations, parquetCodes, signalementInput, type Account } from './lib/world.js';

const options = readFlags('Banc des transmissions de bout en bout (GraphQL contre SQL brut).', {
  duration: 60,
  warmup: 5,
  clients: 16,
  parquets: 164,
  administrations: 32,
  /** Part des signalements urgents. */
  urgentShare: 0.1,
  database: 'ip_bench_tx',
  /** Phase témoin en SQL brut. */
  baseline: true,
  /** Courriels du notificateur actifs pendant la phase GraphQL (fichiers .eml dans un dossier temporaire). */
  emails: false,
  /** Instances de l'API (processus séparés, même base ; les clients sont répartis entre elles, Redis privé au-delà d'une). */
  instances: 1,
  /** Suffixe du fichier de résultats (bench/results/transmission-<tag>.json) ; vide : transmission.json. */
  tag: '',
});

const CREATE = `mutation Create($input: SignalementInput!) { createSignalement(input: $input) { id status } }`;
const TRANSMIT = `mutation Transmit($id: ID!) { transmitSignalement(id: $id) { id reference status transmittedAt contentHash } }`;

interface Phase {
  load: LoadResult;
  integrity: Integrity;
  cpu: { server?: number; bench: number; machine: number };
  waits: { what: string; mean: number }[];
}

async function main() {
  const machine = await describeMachine(`postgresql://postgres@127.0.0.1:5432/postgres`);
  console.info(formatMachine(machine));
  const monitor = new LoadMonitor();
  const url = await recreateDatabase(options.database);
  const pool = new pg.Pool({ connectionString: url, max: 10 });

  const parquets = await createOrganizations(
    pool,
    'PARQUET',
    parquetCodes(options.parquets).map((code, n) => ({ code, name: `Parquet de banc ${code}`, departement: String(1 + (n % 95)).padStart(2, '0') })),
  );
  const administrations = await createOrganizations(
    pool,
    'ADMINISTRATION',
    Array.from({ length: options.administrations }, (_, n) => ({ code: `ADM-BANC-${n + 1}`, name: `Administration de banc ${n + 1}`, departement: '77' })),
  );
  const agents: Account[] = [];
  for (let c = 0; c < options.clients; c += 1) {
    const [agent] = await createAccounts(pool, administrations[c % administrations.length]!.id, 'AGENT', 1, `agent${c}`);
    agents.push(agent!);
  }
  console.info(`${parquets.length} parquets, ${administrations.length} administrations, ${agents.length} agents ; ${options.clients} clients, ${options.warmup} s de chauffe puis ${options.duration} s de mesure`);

  let counter = 0;
  const nextInput = () => {
    counter += 1;
    const parquet = parquets[Math.floor(Math.random() * parquets.length)]!;
    return signalementInput(parquet.code, counter, Math.random() < options.urgentShare);
  };

  const phases: Record<string, Phase> = {};

  // ——— Témoin : SQL brut ———
  if (options.baseline) {
    const rawPool = new pg.Pool({ connectionString: url, max: 10 });
    const acknowledged = new Map<string, string>();
    const sampler = new WaitSampler(url, options.database);
    await sampler.start();
    const cpuBefore = { bench: process.cpuUsage(), machine: machineCpuSnapshot() };
    console.info('\nTémoin SQL brut (pg, pool de 10)…');
    const load = await closedLoop({
      label: 'SQL brut',
      clients: options.clients,
      durationS: options.duration,
      warmupS: options.warmup,
      progress: true,
      op: async (client) => {
        const agent = agents[client]!;
        const t0 = performance.now();
        const id = await rawCreateDraft(rawPool, agent, nextInput());
        const t1 = performance.now();
        const reference = await rawTransmit(rawPool, agent, id);
        acknowledged.set(id, reference);
        return { create: t1 - t0, transmit: performance.now() - t1 };
      },
    });
    const cpu = cpuUsageSince(cpuBefore, load.windowS + options.warmup);
    const waits = await sampler.stop();
    await rawPool.end();
    phases.sql = { load, integrity: await checkIntegrity(pool, acknowledged), cpu, waits };
    await truncateSignalements(pool);
  }

  // ——— Le produit : API GraphQL ———
  const emailDir = options.emails ? mkdtempSync(path.join(os.tmpdir(), 'ip-bench-emails-')) : undefined;
  // Node n'exécute le JavaScript que sur un cœur par processus : au-delà d'une instance, les
  // suivantes se partagent la base et un Redis privé, comme derrière un répartiteur de charge.
  const redis = options.instances > 1 ? await startRedis() : undefined;
  const apis: ApiProcess[] = [];
  for (let n = 0; n < options.instances; n += 1) {
    apis.push(
      await startApi({
        databaseUrl: url,
        redisUrl: redis?.url,
        env: options.emails ? { EMAIL_NOTIFICATIONS: 'true', EMAIL_DIR: emailDir } : {},
      }),
    );
  }
  const serverCpu = () => apis.reduce((sum, api) => sum + processCpuSeconds(api.pid), 0);
  const agent = createAgent(options.clients);
  const acknowledged = new Map<string, string>();
  const sampler = new WaitSampler(url, options.database);
  await sampler.start();
  const cpuBefore = { server: serverCpu(), bench: process.cpuUsage(), machine: machineCpuSnapshot() };
  console.info(`\nAPI GraphQL (${apis.map((api) => `processus ${api.pid}, ${api.url}`).join(' ; ')})…`);
  const load = await closedLoop({
    label: 'API GraphQL',
    clients: options.clients,
    durationS: options.duration,
    warmupS: options.warmup,
    progress: true,
    op: async (client) => {
      const token = agents[client]!.token;
      const api = apis[client % apis.length]!;
      const t0 = performance.now();
      const created = await gql<{ createSignalement: { id: string } }>(api.url, token, CREATE, { input: nextInput() }, agent);
      const t1 = performance.now();
      const sent = await gql<{ transmitSignalement: { id: string; reference: string } }>(api.url, token, TRANSMIT, { id: created.createSignalement.id }, agent);
      acknowledged.set(Buffer.from(sent.transmitSignalement.id, 'base64').toString('utf8').replace(/^Signalement:/, ''), sent.transmitSignalement.reference);
      return { create: t1 - t0, transmit: performance.now() - t1 };
    },
  });
  const cpu = cpuUsageSince(cpuBefore, load.windowS + options.warmup, serverCpu);
  const waits = await sampler.stop();
  const serverRss = apis.reduce((sum, api) => sum + api.rss(), 0);
  for (const api of apis) await api.stop();
  await redis?.stop();
  agent.destroy();
  phases.api = { load, integrity: await checkIntegrity(pool, acknowledged), cpu, waits };
  await pool.end();
  const loadReport = monitor.stop();

  // ——— Rapport ———
  const rows = Object.entries(phases).map(([name, phase]) => {
    const s = summarize(phase.load.latencies);
    return [name === 'sql' ? 'SQL brut (pg)' : `API GraphQL${options.instances > 1 ? ` ×${options.instances}` : ''}`, num(phase.load.completed), num(phase.load.perSecond, 1), ms(s.p50), ms(s.p99), ms(s.max), num(phase.load.errors)];
  });
  console.info(`\nTransmissions de bout en bout — ${options.clients} clients, ${options.duration} s mesurées, ${options.parquets} parquets`);
  console.info(table(['', 'validés', 'par s', 'p50 ms', 'p99 ms', 'max ms', 'erreurs'], rows));
  for (const [name, phase] of Object.entries(phases)) {
    const create = summarize(phase.load.parts.create ?? []);
    const transmit = summarize(phase.load.parts.transmit ?? []);
    console.info(`\n${name === 'sql' ? 'SQL brut' : 'API GraphQL'} :`);
    console.info(`  création p50 ${ms(create.p50)} ms, p99 ${ms(create.p99)} ms ; transmission p50 ${ms(transmit.p50)} ms, p99 ${ms(transmit.p99)} ms`);
    console.info(`  intégrité : ${formatIntegrity(phase.integrity)}`);
    console.info(
      `  processeur : ${phase.cpu.server !== undefined ? `API ${pct(phase.cpu.server)} d'un cœur, ` : ''}client de charge ${pct(phase.cpu.bench)} d'un cœur, machine occupée à ${pct(phase.cpu.machine)}`,
    );
    console.info(`  connexions PostgreSQL (moyenne par état) : ${formatWaits(phase.waits)}`);
    if (phase.load.errors) console.info(`  erreurs :\n    ${formatErrors(phase.load.errorKinds)}`);
  }
  console.info(`\nmémoire résidente de l'API en fin de phase : ${(serverRss / 1e6).toFixed(0)} Mo${options.instances > 1 ? ` (${options.instances} instances)` : ''}`);

  const apiStats = summarize(phases.api!.load.latencies);
  const checks: Check[] = [
    { label: 'débit ≥ 1 000 signalements validés par seconde', ok: phases.api!.load.perSecond >= 1000, detail: `${num(phases.api!.load.perSecond, 1)}/s${phases.sql ? ` (SQL brut : ${num(phases.sql.load.perSecond, 1)}/s)` : ''}` },
    { label: 'p99 ≤ 50 ms (création + transmission)', ok: apiStats.p99 <= 50, detail: `p99 ${ms(apiStats.p99)} ms, p50 ${ms(apiStats.p50)} ms` },
    ...Object.entries(phases).map(([name, phase]) => ({
      label: `aucune référence manquante ni en double, aucune erreur (${name === 'sql' ? 'SQL brut' : 'API'})`,
      // Une phase dont rien n'a abouti ne prouve rien : elle échoue.
      ok: integrityOk(phase.integrity) && phase.integrity.acknowledged > 0 && phase.load.errors === 0,
      detail: `${phase.integrity.missing.length} manquante(s), ${phase.integrity.duplicates.length} doublon(s), ${phase.integrity.gaps.length} trou(s) sur ${num(phase.integrity.acknowledged)} acquittées, ${num(phase.load.errors)} erreur(s)`,
    })),
  ];
  const code = verdict('bench:transmission', checks);
  saveResults(options.tag ? `transmission-${options.tag}` : 'transmission', {
    machine,
    load: loadReport,
    options,
    checks,
    phases: Object.fromEntries(
      Object.entries(phases).map(([name, phase]) => [
        name,
        {
          completed: phase.load.completed,
          perSecond: phase.load.perSecond,
          latency: summarize(phase.load.latencies),
          create: summarize(phase.load.parts.create ?? []),
          transmit: summarize(phase.load.parts.transmit ?? []),
          errors: phase.load.errors,
          integrity: { ...phase.integrity, missing: phase.integrity.missing.length, duplicates: phase.integrity.duplicates.length, gaps: phase.integrity.gaps.length },
          cpu: phase.cpu,
          waits: phase.waits,
        },
      ]),
    ),
    serverRssBytes: serverRss,
  });
  process.exit(code);
}

function cpuUsageSince(before: { server?: number; bench: NodeJS.CpuUsage; machine: { busy: number; total: number } }, seconds: number, serverCpu?: () => number) {
  const bench = process.cpuUsage(before.bench);
  return {
    server: serverCpu !== undefined && before.server !== undefined ? (serverCpu() - before.server) / seconds : undefined,
    bench: (bench.user + bench.system) / 1e6 / seconds,
    machine: machineBusyShare(before.machine, machineCpuSnapshot()),
  };
}

const pct = (share: number | undefined) => (share === undefined || !Number.isFinite(share) ? '—' : `${Math.round(share * 100)} %`);

main().catch((error: unknown) => {
  console.error(error);
  process.exit(2);
});
