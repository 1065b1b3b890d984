import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

/**
 * Ce que fait la première commande du README sur une machine sans base : l'API démarre sur la
 * base embarquée, applique ses migrations, charge la démo, et un agent de démonstration
 * transmet un signalement. Au redémarrage, les données sont toujours là.
 */
const apiDir = path.resolve(import.meta.dirname, '..');
const children: ChildProcess[] = [];
let dataDir = '';

async function startServer(): Promise<{ url: string; child: ChildProcess; output: () => string }> {
  // Courriels (.eml) et pièces dans le dossier temporaire du test, pas dans le .data du dépôt.
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: '0',
    EMBEDDED_DATABASE_DIR: dataDir,
    EMAIL_DIR: path.join(dataDir, 'courriels'),
    STORAGE_DIR: path.join(dataDir, 'pieces'),
    NODE_ENV: 'development',
  };
  delete env.DATABASE_URL;
  delete env.TEST_DATABASE_URL;
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], { cwd: apiDir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`Démarrage trop long :\n${output}`)), 90_000);
    child.stdout!.on('data', () => {
      const match = /écoute sur (http:\/\/\S+\/graphql)/.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    child.on('exit', (code) => reject(new Error(`Arrêt inattendu (${code}) :\n${output}`)));
  });
  return { url, child, output: () => output };
}

async function stop(child: ChildProcess) {
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

async function gql(url: string, query: string, variables?: object, token?: string) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as { data?: any; errors?: unknown[] };
}

afterAll(async () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe('démarrage sur la base embarquée', () => {
  it('démarre avec la démo, un agent transmet et lit sa référence, et tout survit au redémarrage', async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'infoparquet-pglite-'));
    const first = await startServer();
    expect(first.output()).toContain('base embarquée (PGlite)');
    expect(first.output()).toContain('données de démonstration chargées');

    const login = await gql(first.url, `mutation { login(email: "agent@ddpp77.demo", password: "infoparquet-demo") { token } }`);
    const token = login.data.login.token as string;
    const created = await gql(
      first.url,
      `mutation($input: SignalementInput!) { createSignalement(input: $input) { id } }`,
      { input: { parquetCode: 'MELUN', title: 'Vente de jouets dangereux', facts: 'Jouets sans marquage CE saisis au marché.', factsDate: 'Novembre 2026', urgent: true, urgencyReason: 'DANGER_TO_PERSONS' } },
      token,
    );
    const transmitted = await gql(first.url, `mutation($id: ID!) { transmitSignalement(id: $id) { reference status } }`, { id: created.data.createSignalement.id }, token);
    const { reference, status } = transmitted.data.transmitSignalement;
    expect(status).toBe('TRANSMITTED');
    // La démo a déjà transmis trois signalements à Melun : celui-ci est le quatrième.
    expect(reference).toBe(`IP-${new Date().getFullYear()}-MELUN-000004`);

    // Dix agents à la fois (plus les tâches de fond : courriels, escalade, temps réel) : la base
    // embarquée ne sert qu'une connexion, aucune requête ne doit échouer ni se mélanger à une autre.
    const burst = await Promise.all(
      Array.from({ length: 10 }, async (_, i) => {
        const draft = await gql(
          first.url,
          `mutation($input: SignalementInput!) { createSignalement(input: $input) { id } }`,
          { input: { parquetCode: 'MELUN', title: `Rafale ${i}`, facts: 'Transmissions simultanées sur la base embarquée.', factsDate: 'Novembre 2026', urgent: i % 2 === 0, urgencyReason: i % 2 === 0 ? 'DANGER_TO_PERSONS' : null } },
          token,
        );
        expect(draft.errors).toBeUndefined();
        const sent = await gql(first.url, `mutation($id: ID!) { transmitSignalement(id: $id) { reference } }`, { id: draft.data.createSignalement.id }, token);
        expect(sent.errors).toBeUndefined();
        return sent.data.transmitSignalement.reference as string;
      }),
    );
    const year = new Date().getFullYear();
    expect(burst.sort()).toEqual(Array.from({ length: 10 }, (_, i) => `IP-${year}-MELUN-${String(i + 5).padStart(6, '0')}`));
    expect(first.output()).not.toMatch(/bind message supplies|Erreur interne/);
    await stop(first.child);

    const second = await startServer();
    expect(second.output()).not.toContain('données de démonstration chargées');
    const again = await gql(second.url, `mutation { login(email: "greffe@melun.demo", password: "infoparquet-demo") { token } }`);
    const queue = await gql(second.url, `{ urgentQueue { reference title } }`, undefined, again.data.login.token);
    expect(queue.data.urgentQueue.map((s: { reference: string }) => s.reference)).toContain(reference);
    await stop(second.child);
  }, 240_000);
});
