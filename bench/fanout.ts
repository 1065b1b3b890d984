/**
 * Banc 2 (issue 7) : diffusion de la file d'urgence d'un parquet à des milliers d'écrans.
 *
 *   npm run bench:fanout -- --subscribers 1000,5000
 *
 * Pour chaque nombre d'écrans : l'API démarre seule dans son processus ; des processus clients
 * séparés (fanout-client.ts, `--per-process` sockets chacun) ouvrent autant d'abonnements
 * graphql-ws `urgentQueueChanged` (le document de l'application web, plus `at`) pour des membres du
 * même parquet ; puis un agent transmet des signalements urgents par l'API.
 *  - latence : `--events` transmissions espacées de `--interval` ms ; pour chaque message, temps
 *    entre l'instant de l'événement (`at`, pris dans la transaction juste avant le commit) et sa
 *    réception par l'écran : p50, p99, max ;
 *  - débit : une rafale de `--burst` transmissions (`--burst-concurrency` agents à la fois) ;
 *    messages reçus par seconde, de la première transmission au dernier message reçu ;
 *  - mémoire : mémoire résidente de l'API abonnés connectés, moins celle d'avant, par abonné ;
 *    chaque relevé suit un ramasse-miettes complet demandé par l'inspecteur de Node (lib/inspector.ts),
 *    pour la mémoire résidente comme pour le tas JavaScript.
 * Témoin dans le même lancement : un serveur `ws` nu (fanout-raw-server.ts) qui diffuse le même
 * message aux mêmes processus clients, mêmes rythmes.
 *
 * Objectifs : 5 000 écrans avec p99 ≤ 100 ms, ≥ 50 % du débit du témoin, ≤ 40 Ko par abonné.
 *
 * Chaque écran est une socket de chaque côté : le script npm relève `ulimit -n` à 65 536 (root).
 */
import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import pg from 'pg';
import WebSocket from 'ws';
import { numberList, readFlags } from './lib/args.js';
import { recreateDatabase } from './lib/db.js';
import { LiveScreen, viewerOf } from './lib/drill.js';
import { createAgent, gql } from './lib/http.js';
import { describeMachine, formatMachine, LoadMonitor, machineBusyShare, machineCpuSnapshot, processCpuSeconds } from './lib/machine.js';
import { settledMemory, type SettledMemory } from './lib/inspector.js';
import { freePort, REPO, startApi } from './lib/processes.js';
import { rawCreateDraft } from './lib/raw-transmission.js';
import { saveResults, verdict, type Check } from './lib/report.js';
import { ms, num, sleep, summarize, table, type Summary } from './lib/stats.js';
import { createAccounts, createOrganizations, signalementInput, type Account } from './lib/world.js';

const options = readFlags('Banc de diffusion de la file d’urgence (graphql-ws contre ws nu).', {
  subscribers: '1000,5000',
  perProcess: 1000,
  events: 20,
  interval: 500,
  burst: 20,
  burstConcurrency: 4,
  /** Connexions ouvertes en même temps par chaque processus client. */
  connectConcurrency: 50,
  database: 'ip_bench_fanout',
  baseline: true,
  /** Délai maximal d'attente des messages d'une phase, en secondes. */
  timeout: 120,
});

const SUBSCRIPTION = `subscription UrgentQueueLive($after: String) {
  urgentQueueChanged(after: $after) {
    cursor
    kind
    at
    signalementId
    signalement { id reference title urgencyReason urgencyDetail transmittedAt administration { name } }
  }
}`;
const TRANSMIT = `mutation Transmit($id: ID!) { transmitSignalement(id: $id) { id reference } }`;

/** Un processus fils piloté par IPC, avec une file de réponses par type de message. */
class Child {
  private readonly waiting = new Map<string, ((message: any) => void)[]>();
  readonly messages: any[] = [];
  constructor(readonly process: ChildProcess) {
    process.on('message', (message: { type: string }) => {
      const queue = this.waiting.get(message.type);
      const resolve = queue?.shift();
      if (resolve) resolve(message);
      else this.messages.push(message);
    });
  }
  static fork(script: string, args: string[] = [], nodeArgs: string[] = []): Child {
    return new Child(fork(path.join(REPO, 'bench', script), args, { execArgv: [...nodeArgs, '--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }));
  }
  send(message: unknown) {
    this.process.send(message as never);
  }
  next<T = any>(type: string, timeoutMs = 600_000): Promise<T> {
    const index = this.messages.findIndex((m) => m.type === type);
    if (index >= 0) return Promise.resolve(this.messages.splice(index, 1)[0] as T);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`pas de message « ${type} » du processus ${this.process.pid}`)), timeoutMs);
      const queue = this.waiting.get(type) ?? [];
      queue.push((message) => {
        clearTimeout(timer);
        resolve(message as T);
      });
      this.waiting.set(type, queue);
    });
  }
  ask<T = any>(message: { type: string }, reply = message.type): Promise<T> {
    this.send(message);
    return this.next<T>(reply);
  }
  kill() {
    if (this.process.exitCode === null) this.process.kill('SIGKILL');
  }
}

interface RunResult {
  mode: 'graphql' | 'raw';
  subscribers: number;
  connected: number;
  rssIdle: number;
  rssSubscribed: number;
  /** Mémoire résidente ajoutée par abonné (relevés après ramasse-miettes complet). */
  perSubscriberBytes: number;
  heapIdle: number;
  heapSubscribed: number;
  /** Tas JavaScript ajouté par abonné (même relevés). */
  perSubscriberHeapBytes: number;
  latency: Summary;
  burst: Summary;
  burstMessagesPerSecond: number;
  burstWindowMs: number;
  serverCpuBurst: number;
  machineBusyBurst: number;
  missing: number;
  clientErrors: number;
  errorSamples: string[];
}

async function main() {
  const machine = await describeMachine('postgresql://postgres@127.0.0.1:5432/postgres');
  console.info(formatMachine(machine));
  const monitor = new LoadMonitor();
  const counts = numberList(options.subscribers);
  const maxSubscribers = Math.max(...counts);
  const url = await recreateDatabase(options.database);
  const pool = new pg.Pool({ connectionString: url, max: 4 });

  const [parquet] = await createOrganizations(pool, 'PARQUET', [{ code: 'PARQUETBANC', name: 'Parquet de banc', departement: '77' }]);
  const [administration] = await createOrganizations(pool, 'ADMINISTRATION', [{ code: 'ADM-BANC', name: 'Administration de banc', departement: '77' }]);
  // Un membre du parquet tient en moyenne dix écrans (onglets, postes) ; les trois rôles du parquet.
  const staff: Account[] = [];
  const users = Math.max(1, Math.ceil(maxSubscribers / 10));
  for (const role of ['CLERK', 'PROSECUTOR', 'HEAD']) staff.push(...(await createAccounts(pool, parquet!.id, role, Math.ceil(users / 3), role.toLowerCase())));
  const agents = await createAccounts(pool, administration!.id, 'AGENT', options.burstConcurrency, 'agent');
  console.info(`parquet ${parquet!.code} : ${staff.length} membres ; ${agents.length} agents ; écrans : ${counts.join(', ')}`);

  let n = 0;
  const drafts = async (count: number) => {
    const ids: { id: string; agent: Account }[] = [];
    for (let i = 0; i < count; i += 1) {
      const agent = agents[i % agents.length]!;
      n += 1;
      const id = await rawCreateDraft(pool, agent, signalementInput(parquet!.code, n, true));
      ids.push({ id: Buffer.from(`Signalement:${id}`).toString('base64'), agent });
    }
    return ids;
  };

  const results: RunResult[] = [];
  let template: string | null = null;
  for (const subscribers of counts) {
    const tokens = Array.from({ length: subscribers }, (_, i) => staff[i % staff.length]!.token);

    // ——— Le produit ———
    {
      const inspectPort = await freePort();
      const api = await startApi({ databaseUrl: url, nodeArgs: [`--inspect=127.0.0.1:${inspectPort}`] });
      const memory = () => settledMemory(inspectPort, api.pid);
      const http = createAgent(options.burstConcurrency);
      const transmit = async (draft: { id: string; agent: Account }) => {
        await gql(api.url, draft.agent.token, TRANSMIT, { id: draft.id }, http);
      };
      // Chauffe hors mesure : un écran abonné reçoit un événement, puis se ferme. La mémoire « au
      // repos » compte ainsi le code déjà chargé et compilé ; l'écart ne mesure que les abonnés.
      const { rows } = await pool.query<{ head: string | null }>('SELECT max(id)::text AS head FROM audit_event');
      const screen = new LiveScreen('chauffe', viewerOf(staff[0]!, parquet!, 'PARQUET'), staff[0]!.token, 'urgentQueueChanged', [api.url], BigInt(rows[0]?.head ?? '0'), 0);
      await screen.start();
      await transmit((await drafts(1))[0]!);
      for (let i = 0; i < 300 && screen.events.length === 0; i += 1) await sleep(100);
      screen.stop();
      await sleep(1000);
      const run = await measure('graphql', subscribers, api.url.replace(/^http/, 'ws'), tokens, memory, await memory(), () => processCpuSeconds(api.pid), {
        warmup: async () => transmit((await drafts(1))[0]!),
        prepare: (count) => drafts(count),
        fire: transmit,
      });
      template ??= run.sample;
      results.push(run.result);
      http.destroy();
      await api.stop();
    }

    // ——— Témoin : ws nu ———
    if (options.baseline && template) {
      const port = await freePort();
      const inspectPort = await freePort();
      const server = Child.fork('fanout-raw-server.ts', [String(port)], [`--inspect=127.0.0.1:${inspectPort}`]);
      const memory = () => settledMemory(inspectPort, server.process.pid!);
      await waitForPort(port);
      const broadcast = async () => server.send({ type: 'broadcast', template });
      // Même chauffe que pour l'API : un client reçoit une diffusion, puis se ferme.
      await new Promise<void>((resolve) => {
        const socket = new WebSocket(`ws://127.0.0.1:${port}/graphql`);
        socket.on('open', () => void broadcast());
        socket.on('message', () => {
          socket.terminate();
          resolve();
        });
      });
      await sleep(1000);
      const run = await measure('raw', subscribers, `ws://127.0.0.1:${port}/graphql`, tokens, memory, await memory(), () => processCpuSeconds(server.process.pid!), {
        warmup: broadcast,
        prepare: async (count) => Array.from({ length: count }, () => null),
        fire: broadcast,
      });
      results.push(run.result);
      server.kill();
    }
  }
  await pool.end();
  const loadReport = monitor.stop();

  console.info(`\nDiffusion de la file d’urgence — latence : ${options.events} événements espacés de ${options.interval} ms ; débit : rafale de ${options.burst} événements`);
  console.info(
    table(
      ['', 'écrans', 'p50 ms', 'p99 ms', 'max ms', 'rafale p99', 'messages/s', 'Ko/abonné', 'dont tas JS', 'CPU serveur', 'perdus'],
      results.map((r) => [
        r.mode === 'graphql' ? 'API graphql-ws' : 'témoin ws nu',
        num(r.subscribers),
        ms(r.latency.p50),
        ms(r.latency.p99),
        ms(r.latency.max),
        ms(r.burst.p99),
        num(r.burstMessagesPerSecond),
        (r.perSubscriberBytes / 1024).toFixed(1),
        (r.perSubscriberHeapBytes / 1024).toFixed(1),
        `${Math.round(r.serverCpuBurst * 100)} %`,
        num(r.missing),
      ]),
    ),
  );
  for (const r of results) {
    if (r.clientErrors) console.info(`  ${r.mode} ${r.subscribers} : ${r.clientErrors} erreur(s) côté clients : ${r.errorSamples.join(' | ')}`);
  }

  const checks: Check[] = [];
  const target = Math.max(...counts);
  const api = results.find((r) => r.mode === 'graphql' && r.subscribers === target);
  const raw = results.find((r) => r.mode === 'raw' && r.subscribers === target);
  if (api) {
    checks.push({ label: `${num(target)} écrans : p99 ≤ 100 ms du commit à l’écran`, ok: api.latency.p99 <= 100, detail: `p50 ${ms(api.latency.p50)} ms, p99 ${ms(api.latency.p99)} ms, max ${ms(api.latency.max)} ms` });
    if (raw) {
      const share = api.burstMessagesPerSecond / raw.burstMessagesPerSecond;
      checks.push({ label: '≥ 50 % du débit du témoin ws nu', ok: share >= 0.5, detail: `${num(api.burstMessagesPerSecond)} contre ${num(raw.burstMessagesPerSecond)} messages/s (${Math.round(share * 100)} %)` });
    }
  }
  // La mémoire par abonné, à chaque nombre d'écrans mesuré.
  for (const r of results.filter((result) => result.mode === 'graphql')) {
    const witness = results.find((result) => result.mode === 'raw' && result.subscribers === r.subscribers);
    checks.push({
      label: `${num(r.subscribers)} écrans : ≤ 40 Ko de mémoire par abonné`,
      ok: r.perSubscriberBytes <= 40 * 1024,
      detail: `${(r.perSubscriberBytes / 1024).toFixed(1)} Ko dont ${(r.perSubscriberHeapBytes / 1024).toFixed(1)} Ko de tas JS (${(r.rssIdle / 1e6).toFixed(0)} → ${(r.rssSubscribed / 1e6).toFixed(0)} Mo)${witness ? ` ; témoin ${(witness.perSubscriberBytes / 1024).toFixed(1)} Ko` : ''}`,
    });
  }
  for (const r of results) {
    checks.push({ label: `aucun message perdu (${r.mode === 'graphql' ? 'API' : 'témoin'}, ${num(r.subscribers)} écrans)`, ok: r.missing === 0 && r.connected === r.subscribers, detail: `${num(r.connected)} connectés, ${num(r.missing)} message(s) manquant(s)` });
  }
  const code = verdict('bench:fanout', checks);
  saveResults('fanout', { machine, load: loadReport, options, checks, results });
  process.exit(code);
}

/**
 * Une mesure complète pour un serveur et un nombre d'écrans : connexion des clients, message de
 * chauffe (tous les écrans l'ont reçu : tous sont abonnés), mémoire, latence, rafale.
 */
async function measure<T>(
  mode: 'graphql' | 'raw',
  subscribers: number,
  wsUrl: string,
  tokens: string[],
  /** Mémoire du serveur après ramasse-miettes complet : avant les abonnés (`idle`), puis abonnés connectés. */
  memory: () => Promise<SettledMemory>,
  idle: SettledMemory,
  cpuSeconds: () => number,
  driver: { warmup: () => Promise<void>; prepare: (count: number) => Promise<T[]>; fire: (item: T) => Promise<void> },
): Promise<{ result: RunResult; sample: string | null }> {
  const label = `${mode === 'graphql' ? 'API' : 'témoin'} ${num(subscribers)} écrans`;
  const processes = Math.ceil(subscribers / options.perProcess);
  const clients = Array.from({ length: processes }, () => Child.fork('fanout-client.ts'));
  const shares = clients.map((_, i) => tokens.slice(i * options.perProcess, (i + 1) * options.perProcess));
  const started = Date.now();
  clients.forEach((client, i) => client.send({ type: 'connect', mode, url: wsUrl, tokens: shares[i], query: SUBSCRIPTION, concurrency: options.connectConcurrency }));
  const connections = await Promise.all(clients.map((client) => client.next<{ open: number; errors: number; errorSamples: string[] }>('connected')));
  const connected = connections.reduce((sum, c) => sum + c.open, 0);
  console.info(`\n${label} : ${num(connected)} sockets ouvertes en ${((Date.now() - started) / 1000).toFixed(1)} s (${processes} processus clients)`);
  if (connected < subscribers) console.info(`  erreurs : ${connections.flatMap((c) => c.errorSamples).slice(0, 3).join(' | ')}`);

  const waitAll = async (phase: string, expectedEach: number, what: string) => {
    const deadline = Date.now() + options.timeout * 1000;
    for (;;) {
      const statuses = await Promise.all(clients.map((client) => client.ask<{ byPhase: Record<string, number> }>({ type: 'count' })));
      const got = statuses.reduce((sum, s) => sum + (s.byPhase[phase] ?? 0), 0);
      const expected = expectedEach * connected;
      if (got >= expected) return 0;
      if (Date.now() > deadline) {
        console.info(`  ${what} : ${num(got)}/${num(expected)} messages reçus après ${options.timeout} s`);
        return expected - got;
      }
      await sleep(100);
    }
  };

  // Chauffe : un événement que chaque écran doit recevoir (alors tous les abonnements sont en place).
  let missing = 0;
  await driver.warmup();
  missing += await waitAll('chauffe', 1, 'chauffe');
  await sleep(2000);
  const subscribed = await memory();

  // Latence : événements espacés.
  const paced = await driver.prepare(options.events);
  for (const client of clients) client.send({ type: 'phase', name: 'latence' });
  await sleep(200);
  for (const item of paced) {
    const t0 = Date.now();
    await driver.fire(item);
    await sleep(Math.max(0, options.interval - (Date.now() - t0)));
  }
  missing += await waitAll('latence', options.events, 'latence');

  // Débit : rafale.
  const burstItems = await driver.prepare(options.burst);
  for (const client of clients) client.send({ type: 'phase', name: 'rafale' });
  await sleep(500);
  const cpuBefore = cpuSeconds();
  const machineBefore = machineCpuSnapshot();
  const burstStarted = Date.now();
  let nextItem = 0;
  await Promise.all(
    Array.from({ length: mode === 'graphql' ? options.burstConcurrency : 1 }, async () => {
      while (nextItem < burstItems.length) {
        const item = burstItems[nextItem]!;
        nextItem += 1;
        await driver.fire(item);
      }
    }),
  );
  missing += await waitAll('rafale', options.burst, 'rafale');
  const burstSeconds = (Date.now() - burstStarted) / 1000;
  const serverCpuBurst = (cpuSeconds() - cpuBefore) / burstSeconds;
  const machineBusyBurst = machineBusyShare(machineBefore, machineCpuSnapshot());

  const reports = await Promise.all(
    clients.map((client) => client.ask<{ phases: Record<string, { latencies: number[]; firstAt: number; lastReceived: number }>; errors: number; errorSamples: string[] }>({ type: 'report' })),
  );
  const sampleMessage = clients.map((client) => client.messages.find((m) => m.type === 'sample')).find(Boolean) as { text: string } | undefined;
  for (const client of clients) client.send({ type: 'close' });
  await sleep(300);
  for (const client of clients) client.kill();

  const latencies = reports.flatMap((r) => r.phases.latence?.latencies ?? []);
  const burstLatencies = reports.flatMap((r) => r.phases.rafale?.latencies ?? []);
  const firstAt = Math.min(...reports.map((r) => r.phases.rafale?.firstAt ?? Number.POSITIVE_INFINITY));
  const lastReceived = Math.max(...reports.map((r) => r.phases.rafale?.lastReceived ?? 0));
  const burstWindowMs = Math.max(1, lastReceived - Math.min(firstAt, burstStarted));
  const result: RunResult = {
    mode,
    subscribers,
    connected,
    rssIdle: idle.rss,
    rssSubscribed: subscribed.rss,
    perSubscriberBytes: (subscribed.rss - idle.rss) / Math.max(1, connected),
    heapIdle: idle.heapUsed,
    heapSubscribed: subscribed.heapUsed,
    perSubscriberHeapBytes: (subscribed.heapUsed - idle.heapUsed) / Math.max(1, connected),
    latency: summarize(latencies),
    burst: summarize(burstLatencies),
    burstMessagesPerSecond: burstLatencies.length / (burstWindowMs / 1000),
    burstWindowMs,
    serverCpuBurst,
    machineBusyBurst,
    missing,
    clientErrors: reports.reduce((sum, r) => sum + r.errors, 0),
    errorSamples: reports.flatMap((r) => r.errorSamples).slice(0, 3),
  };
  console.info(
    `  latence p50 ${ms(result.latency.p50)} ms, p99 ${ms(result.latency.p99)} ms, max ${ms(result.latency.max)} ms ; rafale ${num(result.burstMessagesPerSecond)} messages/s (p99 ${ms(result.burst.p99)} ms) ; ` +
      `${(result.perSubscriberBytes / 1024).toFixed(1)} Ko par abonné (tas JS ${(result.perSubscriberHeapBytes / 1024).toFixed(1)} Ko) ; CPU du serveur pendant la rafale ${Math.round(serverCpuBurst * 100)} % d’un cœur, machine ${Math.round(machineBusyBurst * 100)} %`,
  );
  return { result, sample: sampleMessage?.text ?? null };
}

async function waitForPort(port: number) {
  const { connect } = await import('node:net');
  for (let i = 0; i < 200; i += 1) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1', () => {
        socket.end();
        resolve(true);
      });
      socket.on('error', () => resolve(false));
    });
    if (ok) return;
    await sleep(50);
  }
  throw new Error(`le témoin n’écoute pas sur ${port}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(2);
});
