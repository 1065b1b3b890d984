import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { sleep } from './stats.js';

export const REPO = path.resolve(import.meta.dirname, '..', '..');

/** Un port libre (le système en choisit un, on le rend aussitôt). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('port introuvable'))));
    });
  });
}

/** Mémoire résidente d'un processus, en octets (VmRSS de /proc/<pid>/status). */
export function residentBytes(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) * 1024 : Number.NaN;
}

/** Les derniers kilo-octets de sortie d'un processus fils (lus en continu pour que le tube ne se bouche pas). */
class OutputTail {
  private text = '';
  constructor(child: ChildProcess, private readonly limit = 64 * 1024) {
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => this.append(chunk));
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => this.append(chunk));
  }
  private append(chunk: string) {
    this.text = (this.text + chunk).slice(-this.limit);
  }
  toString() {
    return this.text;
  }
}

export interface Managed {
  child: ChildProcess;
  pid: number;
  output: OutputTail;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  alive(): boolean;
  /** SIGTERM, puis SIGKILL au bout de `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

const running = new Set<Managed>();

/** À la sortie du banc, rien de ce qu'il a lancé ne lui survit. */
function killAllOnExit() {
  for (const managed of running) if (managed.alive()) managed.child.kill('SIGKILL');
}
process.once('exit', killAllOnExit);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    killAllOnExit();
    process.exit(130);
  });
}

export function launch(command: string, args: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): Managed {
  const env: NodeJS.ProcessEnv = { ...process.env, ...options.env };
  // Une variable mise à `undefined` par l'appelant est retirée (et non héritée du banc).
  for (const [key, value] of Object.entries(options.env ?? {})) if (value === undefined) delete env[key];
  const child = spawn(command, args, { cwd: options.cwd ?? REPO, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const output = new OutputTail(child);
  let done = false;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => {
      done = true;
      running.delete(managed);
      resolve({ code, signal });
    });
  });
  const managed: Managed = {
    child,
    pid: child.pid!,
    output,
    exited,
    alive: () => !done,
    stop: async (graceMs = 10_000) => {
      if (done) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
  running.add(managed);
  return managed;
}

async function waitForOutput(managed: Managed, pattern: RegExp, timeoutMs: number, what: string): Promise<void> {
  const started = Date.now();
  while (!pattern.test(managed.output.toString())) {
    if (!managed.alive()) throw new Error(`${what} s'est arrêté au démarrage :\n${managed.output.toString()}`);
    if (Date.now() - started > timeoutMs) throw new Error(`${what} : pas prêt après ${timeoutMs} ms :\n${managed.output.toString()}`);
    await sleep(50);
  }
}

/**
 * Les arguments de Node du script `start` d'apps/api (`npm start` en production), pour que les
 * bancs lancent l'API exactement comme elle tourne (ex. `--max-semi-space-size=4`).
 */
export function apiStartArgs(): string[] {
  const manifest = JSON.parse(readFileSync(path.join(REPO, 'apps/api/package.json'), 'utf8')) as { scripts?: Record<string, string> };
  const [command, ...args] = (manifest.scripts?.start ?? 'tsx src/server.ts').split(/\s+/).filter(Boolean);
  if (command === 'node') return args;
  if (command === 'tsx') return ['--import', 'tsx', ...args];
  throw new Error(`Script start d'apps/api inattendu : ${manifest.scripts?.start}`);
}

export interface ApiProcess extends Managed {
  port: number;
  /** http://127.0.0.1:port/graphql */
  url: string;
  rss(): number;
}

/**
 * Réglages des bancs : production (ni démonstration ni GraphiQL), courriels coupés (sauf demande),
 * escalade rare. Les limites de débit et de taille des requêtes (apps/api/src/security) sont
 * relevées très haut : un banc mesure le produit, pas son limiteur.
 */
export const BENCH_API_ENV: NodeJS.ProcessEnv = {
  NODE_ENV: 'production',
  HOST: '127.0.0.1',
  SEED_DEMO_DATA: 'false',
  EMAIL_NOTIFICATIONS: 'false',
  ESCALATION_CHECK_SECONDS: '3600',
  RATE_LIMIT_PER_MINUTE_IP: '100000000',
  RATE_LIMIT_PER_MINUTE_USER: '100000000',
  RATE_LIMIT_PER_MINUTE_TOKEN: '100000000',
  // La production exige une clé pour les secrets de webhooks ; une par lancement, commune à ses instances.
  WEBHOOK_SECRET_KEY: randomBytes(32).toString('base64'),
};

/**
 * Une instance de l'API comme en production : la commande du script `start` d'apps/api
 * (`node --max-semi-space-size=4 --import tsx src/server.ts` aujourd'hui), dans son propre
 * processus (migrations au démarrage, pool Prisma de 10 connexions), prête quand elle écoute.
 */
export async function startApi(options: {
  databaseUrl: string;
  port?: number;
  redisUrl?: string;
  env?: NodeJS.ProcessEnv;
  /** Options de Node (ex. `--cpu-prof` pour profiler l'API). */
  nodeArgs?: string[];
  /** Copie du dépôt dont lancer l'API (une autre révision : reads-compare.ts) ; par défaut celle-ci. */
  repo?: string;
}): Promise<ApiProcess> {
  const port = options.port ?? (await freePort());
  // BENCH_API_NODE_ARGS : options de Node ajoutées à chaque instance (ex. « --cpu-prof --cpu-prof-dir=/tmp/profils »).
  const extra = (process.env.BENCH_API_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const managed = launch(process.execPath, [...extra, ...(options.nodeArgs ?? []), ...apiStartArgs()], {
    cwd: path.join(options.repo ?? REPO, 'apps/api'),
    env: { ...BENCH_API_ENV, ...options.env, DATABASE_URL: options.databaseUrl, PORT: String(port), REDIS_URL: options.redisUrl },
  });
  await waitForOutput(managed, /écoute sur/, 60_000, `API (port ${port})`);
  return Object.assign(managed, { port, url: `http://127.0.0.1:${port}/graphql`, rss: () => residentBytes(managed.pid) });
}

export interface RedisProcess extends Managed {
  port: number;
  url: string;
}

/** Un Redis privé, sans persistance, sur un port libre (jamais celui de la machine, partagé). */
export async function startRedis(port?: number): Promise<RedisProcess> {
  const chosen = port ?? (await freePort());
  const managed = launch('/usr/bin/redis-server', ['--port', String(chosen), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no']);
  await waitForOutput(managed, /Ready to accept connections/, 10_000, `Redis (port ${chosen})`);
  return Object.assign(managed, { port: chosen, url: `redis://127.0.0.1:${chosen}` });
}

export interface PrivateCluster {
  dir: string;
  port: number;
  /** URL du serveur (sans base). */
  serverUrl: string;
  start(): void;
  stop(mode?: 'fast' | 'immediate'): void;
  destroy(): void;
}

/**
 * Un cluster PostgreSQL jetable (initdb dans un dossier temporaire, port libre), lancé par
 * l'utilisateur système `postgres` : c'est celui-là que les exercices de panne redémarrent,
 * jamais le serveur partagé de la machine.
 */
export async function createPrivateCluster(): Promise<PrivateCluster> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ip-bench-pg-'));
  const data = path.join(dir, 'data');
  const port = await freePort();
  const asPostgres = (command: string) => {
    const isRoot = process.getuid?.() === 0;
    return isRoot
      ? execFileSync('su', ['postgres', '-s', '/bin/sh', '-c', command], { stdio: 'pipe', encoding: 'utf8' })
      : execFileSync('/bin/sh', ['-c', command], { stdio: 'pipe', encoding: 'utf8' });
  };
  if (process.getuid?.() === 0) execFileSync('chown', ['postgres:postgres', dir]);
  asPostgres(`/usr/local/bin/initdb -D ${data} -U postgres --auth=trust --no-sync -E UTF8 --locale=C.UTF-8 >/dev/null`);
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c max_connections=100 -c shared_buffers=64MB`;
  const cluster: PrivateCluster = {
    dir,
    port,
    serverUrl: `postgresql://postgres@127.0.0.1:${port}`,
    start: () => {
      asPostgres(`/usr/local/bin/pg_ctl -D ${data} -l ${path.join(dir, 'server.log')} -o '${options}' -w -t 60 start >/dev/null`);
    },
    stop: (mode = 'fast') => {
      asPostgres(`/usr/local/bin/pg_ctl -D ${data} -m ${mode} -w -t 60 stop >/dev/null`);
    },
    destroy: () => {
      try {
        cluster.stop('immediate');
      } catch {
        // Déjà arrêté.
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
  cluster.start();
  return cluster;
}
