/**
 * Banc d'essai : la mémoire de l'API pendant l'envoi d'une pièce de 1 Gio (issue 5).
 *
 *   npm run bench:upload                    (BENCH_SIZE_MB=1024 par défaut)
 *
 * 1. Une base neuve (`ip_bench_upload`, supprimée puis recréée et migrée par bench/lib/db.ts sur le
 *    serveur BENCH_PG_URL, comme les autres bancs), un dossier de stockage temporaire.
 * 2. L'API en processus fils, comme en production (la commande du script `start` de l'API,
 *    NODE_ENV=production) : un premier lancement migre la base et charge les comptes de
 *    démonstration, puis s'arrête ; le processus mesuré est un second lancement, neuf, qui ne
 *    charge rien (un serveur de production ne porte pas les déchets du chargement de la démo).
 * 3. L'agent de démonstration se connecte, crée un brouillon, y dépose d'abord une petite pièce
 *    (échauffement), puis une pièce de 1 Gio produite à la volée (morceaux pseudo-aléatoires de
 *    1 Mio, jamais tenue en mémoire par le client non plus), dont le client calcule le SHA-256.
 * 4. Pendant l'envoi, la mémoire résidente (VmRSS de /proc/<pid>/status) du processus de l'API est
 *    relevée toutes les 100 ms ; le pic noyau (VmHWM) est remis à zéro juste avant l'envoi.
 * 5. Témoin, dans le même lancement : un serveur Node nu (bare-upload-server.mjs) qui écrit le
 *    même envoi dans un fichier ; l'écart montre ce que coûte le produit.
 *
 * Sort en erreur si le pic dépasse 300 Mo ou si les empreintes diffèrent. Le processus mesuré est
 * lancé par la commande du script `start` de l'API (celle de `npm start`, options de Node comprises) ;
 * BENCH_API_NODE_OPTIONS y ajoute des options (NODE_OPTIONS) pour des essais de réglage.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes, randomFillSync } from 'node:crypto';
import { createWriteStream, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { request } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { recreateDatabase } from './lib/db.js';
import { createAgent, gql } from './lib/http.js';
import { freePort, residentBytes } from './lib/processes.js';
import { sleep } from './lib/stats.js';

const MIB = 1024 * 1024;
const SIZE = Number(process.env.BENCH_SIZE_MB ?? 1024) * MIB;
const LIMIT_BYTES = 300 * 1000 * 1000;
const SAMPLE_MS = 100;
const repo = path.resolve(import.meta.dirname, '..');
const apiDir = path.join(repo, 'apps/api');
const DATABASE = 'ip_bench_upload';
const children: ChildProcess[] = [];
const logFiles: string[] = [];

const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} Mo`;
const log = (message: string) => console.info(`[banc] ${message}`);

async function main() {
  const workDir = await mkdtemp(path.join(os.tmpdir(), 'infoparquet-bench-'));
  try {
    const databaseUrl = await recreateDatabase(DATABASE);
    log(`base ${DATABASE} recréée ; dossier de travail ${workDir}`);

    // ——— Témoin : Node nu ———
    const barePort = await freePort();
    const bare = launch(process.execPath, [path.join(import.meta.dirname, 'bare-upload-server.mjs'), String(barePort), path.join(workDir, 'temoin.bin')], repo, {}, path.join(workDir, 'temoin.log'));
    await waitUntil(() => httpAnswers(`http://127.0.0.1:${barePort}/`, 'HEAD'), 10_000, 'serveur témoin');
    const baseline = await measuredUpload(bare, `http://127.0.0.1:${barePort}/`, {});
    log(`témoin : ${baseline.seconds.toFixed(1)} s, pic ${mb(baseline.peak)}`);
    await stop(bare);

    // ——— L'API ———
    const apiPort = await freePort();
    const storageDir = path.join(workDir, 'pieces');
    const apiEnv: NodeJS.ProcessEnv = {
      ...process.env,
      NODE_ENV: 'production',
      WEBHOOK_SECRET_KEY: randomBytes(32).toString('base64'),
      DATABASE_URL: databaseUrl,
      PORT: String(apiPort),
      HOST: '127.0.0.1',
      SEED_DEMO_DATA: 'true',
      STORAGE_DIR: storageDir,
      EVENT_POLL_MS: '2000',
    };
    delete apiEnv.REDIS_URL;
    delete apiEnv.TEST_DATABASE_URL;
    delete apiEnv.PIECE_MAX_BYTES;
    const graphqlUrl = `http://127.0.0.1:${apiPort}/graphql`;
    const seeding = launch(process.execPath, ['--import', 'tsx', 'src/server.ts'], apiDir, apiEnv, path.join(workDir, 'api-demo.log'));
    await waitUntil(() => graphqlAnswers(graphqlUrl), 120_000, 'API (chargement de la démo)');
    await stop(seeding);
    log('base migrée, démo chargée');
    // Le processus mesuré est lancé par la commande même de `npm start` (script `start` de l'API,
    // options de Node comprises), `exec` pour que le pid relevé soit celui de Node.
    const startCommand = (JSON.parse(readFileSync(path.join(apiDir, 'package.json'), 'utf8')) as { scripts: { start: string } }).scripts.start;
    const nodeOptions = process.env.BENCH_API_NODE_OPTIONS ?? '';
    log(`API lancée par : ${startCommand}${nodeOptions ? ` (NODE_OPTIONS=${nodeOptions})` : ''}`);
    const api = launch(
      'sh',
      ['-c', `exec ${startCommand}`],
      apiDir,
      { ...apiEnv, SEED_DEMO_DATA: 'false', ...(nodeOptions ? { NODE_OPTIONS: nodeOptions } : {}) },
      path.join(workDir, 'api.log'),
    );
    await waitUntil(() => graphqlAnswers(graphqlUrl), 120_000, 'API');
    log(`API prête (pid ${api.pid}), ${mb(residentBytes(api.pid!))} au démarrage`);

    const agent = createAgent(1);
    const token = (await gql<{ login: { token: string } }>(graphqlUrl, null, 'mutation { login(email: "agent@ddpp77.demo", password: "infoparquet-demo") { token } }', {}, agent)).login.token;
    const created = await gql<{ createSignalement: { id: string; piecesUploadPath: string } }>(
      graphqlUrl,
      token,
      `mutation($i: SignalementInput!) { createSignalement(input: $i) { id piecesUploadPath } }`,
      { i: { parquetCode: 'MELUN', title: 'Banc d’envoi d’une pièce de 1 Go', facts: 'Mesure de la mémoire de l’API pendant un envoi.', factsDate: '2026', places: [], natinfCodes: [], urgent: false } },
      agent,
    );
    agent.destroy();
    const uploadUrl = `http://127.0.0.1:${apiPort}${created.createSignalement.piecesUploadPath}`;
    const auth = { authorization: `Bearer ${token}` };

    // Échauffement : les modules de l'envoi chargés, le pool de connexions ouvert.
    const warmup = await uploadOnce(uploadUrl, auth, 1 * MIB, 'echauffement.bin');
    if (warmup.status !== 201) throw new Error(`Échauffement refusé : ${warmup.status} ${warmup.text}`);
    await sleep(1000);

    const result = await measuredUpload(api, uploadUrl, auth);
    if (result.status !== 201) throw new Error(`Envoi refusé : ${result.status} ${result.text}`);
    const returned = (JSON.parse(result.text) as { pieces: { sha256: string; size: string }[] }).pieces[0]!;
    await sleep(2000);
    const after = residentBytes(api.pid!);
    const stored = await storedSize(storageDir);
    await stop(api);

    const hashesMatch = returned.sha256 === result.sha256 && returned.size === String(SIZE);
    const cpu = /model name\s*:\s*(.+)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? '?';
    const lines = [
      '',
      `Machine : ${execFileSync('nproc').toString().trim()} cœurs (nproc), ${cpu}, ${(os.totalmem() / 2 ** 30).toFixed(1)} Gio de mémoire, Node ${process.version}, ${os.type()} ${os.release()}`,
      `Pièce : ${mb(SIZE)} (${SIZE} octets), multipart/form-data, Content-Length connu`,
      '',
      '| | Durée | Débit | RSS avant | RSS pic (relevé / VmHWM) | RSS après |',
      '|---|---|---|---|---|---|',
      `| Serveur Node nu (témoin) | ${baseline.seconds.toFixed(1)} s | ${(SIZE / MIB / baseline.seconds).toFixed(0)} Mio/s | ${mb(baseline.before)} | ${mb(baseline.peak)} / ${mb(baseline.hwm)} | — |`,
      `| API infoParquet | ${result.seconds.toFixed(1)} s | ${(SIZE / MIB / result.seconds).toFixed(0)} Mio/s | ${mb(result.before)} | ${mb(result.peak)} / ${mb(result.hwm)} | ${mb(after)} |`,
      '',
      `Surcoût de l'API au pic : ${mb(Math.max(result.peak, result.hwm) - Math.max(baseline.peak, baseline.hwm))} ; pendant l'envoi, l'API passe de ${mb(result.before)} à ${mb(Math.max(result.peak, result.hwm))} (+${mb(Math.max(result.peak, result.hwm) - result.before)}).`,
      `Relevés : ${result.samples} à ${SAMPLE_MS} ms. Empreinte SHA-256 : client ${result.sha256}, API ${returned.sha256} ${hashesMatch ? '(identiques)' : '(DIFFÉRENTES)'} ; octets stockés : ${stored}.`,
    ];
    console.info(lines.join('\n'));
    const peak = Math.max(result.peak, result.hwm);
    if (!hashesMatch) {
      console.error('ÉCHEC : l’empreinte ou la taille rendue par l’API diffère de celle du client.');
      process.exitCode = 1;
    }
    if (peak >= LIMIT_BYTES) {
      console.error(`ÉCHEC : pic de mémoire ${mb(peak)} ≥ ${mb(LIMIT_BYTES)}.`);
      process.exitCode = 1;
    }
  } catch (error) {
    // Le dossier de travail va être effacé : la fin des journaux des processus fils, pour comprendre.
    for (const file of logFiles) {
      const text = readFileSync(file, 'utf8').trim().split('\n').slice(-30).join('\n');
      console.error(`——— ${path.basename(file)} ———\n${text}`);
    }
    throw error;
  } finally {
    await Promise.all(children.map(stop));
    await rm(workDir, { recursive: true, force: true });
  }
}

interface Measured {
  status: number;
  text: string;
  sha256: string;
  seconds: number;
  before: number;
  peak: number;
  hwm: number;
  samples: number;
}

/** Un envoi de SIZE octets, la mémoire du serveur relevée pendant ce temps. */
async function measuredUpload(server: ChildProcess, url: string, headers: Record<string, string>): Promise<Measured> {
  const pid = server.pid!;
  const before = residentBytes(pid);
  // Remet à zéro le pic noyau (VmHWM) : il ne dira que celui de l'envoi.
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
  } catch {
    log('VmHWM non remis à zéro (clear_refs refusé) : seul le relevé compte');
  }
  let peak = before;
  let samples = 0;
  const timer = setInterval(() => {
    try {
      peak = Math.max(peak, residentBytes(pid));
      samples += 1;
    } catch {
      // Processus terminé : le relevé s'arrête.
    }
  }, SAMPLE_MS);
  try {
    const result = await uploadOnce(url, headers, SIZE, 'piece-1-gio.bin');
    peak = Math.max(peak, residentBytes(pid));
    const hwm = Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) * 1024;
    return { ...result, before, peak, hwm, samples };
  } finally {
    clearInterval(timer);
  }
}

/** Un envoi multipart d'un fichier produit à la volée ; le client en calcule le SHA-256 au passage. */
function uploadOnce(url: string, headers: Record<string, string>, size: number, filename: string) {
  const boundary = `----banc-infoparquet-${Date.now()}`;
  const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: application/octet-stream\r\n\r\n`);
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  const hash = createHash('sha256');
  async function* body() {
    yield head;
    for (let sent = 0; sent < size; ) {
      const chunk = randomFillSync(Buffer.allocUnsafe(Math.min(MIB, size - sent)));
      hash.update(chunk);
      sent += chunk.length;
      yield chunk;
    }
    yield tail;
  }
  const started = performance.now();
  return new Promise<{ status: number; text: string; sha256: string; seconds: number }>((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        headers: { ...headers, 'content-type': `multipart/form-data; boundary=${boundary}`, 'content-length': String(head.length + size + tail.length) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString(), sha256: hash.digest('hex'), seconds: (performance.now() - started) / 1000 }),
        );
      },
    );
    req.on('error', reject);
    pipeline(Readable.from(body()), req).catch(reject);
  });
}

async function storedSize(dir: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) total += (await stat(path.join(entry.parentPath, entry.name))).size;
  }
  return total;
}

function launch(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv, logFile: string): ChildProcess {
  const child = spawn(command, args, { cwd, env: Object.keys(env).length ? env : process.env, stdio: ['ignore', 'pipe', 'pipe'] });
  const out = createWriteStream(logFile);
  logFiles.push(logFile);
  child.stdout!.pipe(out, { end: false });
  child.stderr!.pipe(out, { end: false });
  children.push(child);
  return child;
}

async function stop(child: ChildProcess) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}

async function graphqlAnswers(url: string) {
  try {
    const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ __typename }' }) });
    return response.ok;
  } catch {
    return false;
  }
}

async function httpAnswers(url: string, method: string) {
  try {
    await fetch(url, { method });
    return true;
  } catch {
    return false;
  }
}

async function waitUntil(ready: () => Promise<boolean>, timeoutMs: number, what: string) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (children.some((child) => child.exitCode !== null && child.exitCode !== 0)) throw new Error(`${what} : un processus fils s'est arrêté en erreur`);
    if (await ready()) return;
    await sleep(250);
  }
  throw new Error(`${what} ne répond pas après ${timeoutMs / 1000} s`);
}

main().catch(async (error: unknown) => {
  console.error(error);
  await Promise.all(children.map(stop));
  process.exit(1);
});
