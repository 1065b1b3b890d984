import { spawn, type ChildProcess } from 'node:child_process';
import { cp, mkdir, rm, stat, writeFile } from 'node:fs/promises';
import { createWriteStream } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import path from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { migrateDatabase } from '@infoparquet/db';

/**
 * Orchestration des tests de bout en bout, une fois par lancement :
 *  1. une base PostgreSQL neuve (supprimée puis recréée), migrée ;
 *  2. l'API en processus fils (`node --import tsx src/server.ts`), qui charge la démo dans la base vide
 *     (`seedDemoData`, NODE_ENV=development) ;
 *  3. l'application web construite (`next build`) puis servie (`next start`) ;
 *  4. à la fin, tout est arrêté.
 *
 * L'application est construite dans une copie (`e2e/.app`, ignorée par git) et non dans `apps/web/.next` :
 * la construction efface `.next`, ce qui casserait un `next start` ouvert par ailleurs sur le poste. L'adresse
 * de l'API n'entre pas dans la construction : `next start` la lit dans API_URL.
 *
 * Variables : E2E_DATABASE_URL (défaut postgresql://postgres@127.0.0.1:5432/infoparquet_e2e),
 * E2E_API_PORT (défaut 4000, sinon un port libre), E2E_WEB_PORT (défaut 3000, sinon un port libre),
 * E2E_SKIP_BUILD=1 (réutilise la construction précédente si elle existe).
 */

const webDir = path.resolve(import.meta.dirname, '..');
const apiDir = path.resolve(webDir, '../api');
const appDir = path.join(import.meta.dirname, '.app');
const logDir = path.join(import.meta.dirname, '.logs');
const e2eDataDir = path.join(import.meta.dirname, '.data');
const require = createRequire(import.meta.url);

declare module 'vitest' {
  export interface ProvidedContext {
    webUrl: string;
    apiUrl: string;
    logDir: string;
  }
}

const children: { name: string; child: ChildProcess }[] = [];
const started = Date.now();
const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;
const log = (message: string) => console.info(`[e2e ${elapsed()}] ${message}`);

export default async function setup(project: TestProject) {
  await mkdir(logDir, { recursive: true });
  try {
    const databaseUrl = process.env.E2E_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/infoparquet_e2e';
    await recreateDatabase(databaseUrl);
    await migrateDatabase(databaseUrl, { quiet: true });
    log(`base ${new URL(databaseUrl).pathname.slice(1)} recréée et migrée`);

    await rm(e2eDataDir, { recursive: true, force: true });
    const apiPort = await choosePort('E2E_API_PORT', 4000);
    const webPort = await choosePort('E2E_WEB_PORT', 3000, [apiPort]);
    const apiUrl = `http://127.0.0.1:${apiPort}/graphql`;
    const webUrl = `http://127.0.0.1:${webPort}`;

    // L'API démarre pendant la construction de l'application (elle charge la démo dans la base vide).
    const apiEnv: NodeJS.ProcessEnv = {
      ...process.env,
      DATABASE_URL: databaseUrl,
      PORT: String(apiPort),
      HOST: '127.0.0.1',
      NODE_ENV: 'development',
      SEED_DEMO_DATA: 'true',
      ESCALATION_DELAY_MINUTES: '15',
      ESCALATION_CHECK_SECONDS: '30',
      EVENT_POLL_MS: '2000',
      SESSION_TTL_HOURS: '12',
      WEB_ORIGINS: `${webUrl},http://localhost:${webPort}`,
      // Pièces et courriels (.eml) de ce lancement dans e2e/.data (ignoré par git, vidé à chaque lancement).
      STORAGE_DIR: path.join(e2eDataDir, 'pieces'),
      EMAIL_DIR: path.join(e2eDataDir, 'courriels'),
    };
    delete apiEnv.REDIS_URL;
    delete apiEnv.TEST_DATABASE_URL;
    const api = launch('api', process.execPath, ['--import', 'tsx', 'src/server.ts'], { cwd: apiDir, env: apiEnv });
    const apiReady = waitFor('API', api, () => graphqlAnswers(apiUrl), 120_000);

    await buildWebApp();

    const nextBin = require.resolve('next/dist/bin/next', { paths: [appDir] });
    const web = launch('web', process.execPath, [nextBin, 'start', '-H', '127.0.0.1', '-p', String(webPort)], {
      cwd: appDir,
      env: { ...process.env, NODE_ENV: 'production', NEXT_TELEMETRY_DISABLED: '1', API_URL: apiUrl },
    });
    await apiReady;
    log(`API prête sur ${apiUrl}`);
    await waitFor('web', web, () => pageAnswers(`${webUrl}/connexion`), 60_000);
    log(`application web prête sur ${webUrl} (journaux : ${path.relative(webDir, logDir)}/)`);

    project.provide('webUrl', webUrl);
    project.provide('apiUrl', apiUrl);
    project.provide('logDir', logDir);
  } catch (error) {
    await stopAll();
    throw error;
  }
  return async () => {
    await stopAll();
    log('API et application web arrêtées');
  };
}

async function recreateDatabase(url: string) {
  const name = decodeURIComponent(new URL(url).pathname.slice(1));
  if (!/^[\w-]+$/.test(name)) throw new Error(`Nom de base inattendu : ${name}`);
  // La base est supprimée à chaque lancement : jamais une base qui ne serait pas faite pour ça.
  if (!/e2e|test/i.test(name)) throw new Error(`E2E_DATABASE_URL : « ${name} » sera supprimée ; son nom doit contenir « e2e » ou « test ».`);
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await client.query(`CREATE DATABASE "${name}"`);
  } finally {
    await client.end();
  }
}

async function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('pas de port libre'))));
    });
  });
}

/** Le port demandé par la variable, sinon le port habituel s'il est libre, sinon un port libre. */
async function choosePort(variable: string, preferred: number, taken: number[] = []): Promise<number> {
  const requested = process.env[variable];
  if (requested) {
    const port = Number(requested);
    if (!(await portIsFree(port))) throw new Error(`${variable}=${port} : le port est déjà occupé.`);
    return port;
  }
  if (!taken.includes(preferred) && (await portIsFree(preferred))) return preferred;
  let port = await freePort();
  while (taken.includes(port)) port = await freePort();
  log(`port ${preferred} occupé : ${variable}=${port}`);
  return port;
}

/**
 * `next build` dans une copie des sources (e2e/.app). Avec E2E_SKIP_BUILD=1, la construction
 * précédente est gardée si elle existe.
 */
async function buildWebApp() {
  if (process.env.E2E_SKIP_BUILD === '1') {
    if (await exists(path.join(appDir, '.next', 'BUILD_ID'))) {
      log('construction précédente réutilisée (E2E_SKIP_BUILD=1)');
      return;
    }
    log('E2E_SKIP_BUILD=1, mais aucune construction précédente : construction');
  }
  const t0 = Date.now();
  await rm(path.join(appDir, 'src'), { recursive: true, force: true });
  await mkdir(appDir, { recursive: true });
  await cp(path.join(webDir, 'src'), path.join(appDir, 'src'), { recursive: true });
  for (const file of ['next.config.ts', 'tsconfig.json']) await cp(path.join(webDir, file), path.join(appDir, file));
  if (await exists(path.join(webDir, 'public'))) {
    await rm(path.join(appDir, 'public'), { recursive: true, force: true });
    await cp(path.join(webDir, 'public'), path.join(appDir, 'public'), { recursive: true });
  }
  await writeFile(path.join(appDir, 'package.json'), `${JSON.stringify({ name: 'infoparquet-web-e2e-build', private: true, type: 'module' }, null, 2)}\n`);
  const nextBin = require.resolve('next/dist/bin/next', { paths: [webDir] });
  const build = launch('build', process.execPath, [nextBin, 'build'], {
    cwd: appDir,
    env: { ...process.env, NODE_ENV: 'production', NEXT_TELEMETRY_DISABLED: '1' },
  });
  const code = await new Promise<number | null>((resolve) => build.once('exit', resolve));
  if (code !== 0) throw new Error(`next build a échoué (code ${code}) : voir ${path.join(logDir, 'build.log')}`);
  log(`application web construite en ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}

async function exists(file: string) {
  return stat(file).then(
    () => true,
    () => false,
  );
}

function launch(name: string, command: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv }): ChildProcess {
  const out = createWriteStream(path.join(logDir, `${name}.log`));
  const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.pipe(out, { end: false });
  child.stderr!.pipe(out, { end: false });
  child.once('exit', (code, signal) => {
    const stopping = !children.some((entry) => entry.child === child);
    if (!stopping && name !== 'build') console.error(`[e2e ${elapsed()}] ${name} s'est arrêté pendant les tests (code ${code}, signal ${signal}) : voir ${path.join(logDir, `${name}.log`)}`);
    out.end(`\n[e2e] ${name} arrêté (code ${code}, signal ${signal})\n`);
  });
  children.push({ name, child });
  return child;
}

async function waitFor(name: string, child: ChildProcess, ready: () => Promise<boolean>, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${name} s'est arrêté (code ${child.exitCode}) : voir ${logDir}`);
    if (await ready()) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${name} ne répond pas après ${timeoutMs / 1000} s : voir ${logDir}`);
}

async function graphqlAnswers(url: string): Promise<boolean> {
  try {
    const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ __typename }' }) });
    return response.ok;
  } catch {
    return false;
  }
}

async function pageAnswers(url: string): Promise<boolean> {
  try {
    const response = await fetch(url, { redirect: 'manual' });
    return response.status === 200;
  } catch {
    return false;
  }
}

async function stopAll() {
  await Promise.all(
    children.splice(0).map(async ({ child }) => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }),
  );
}
