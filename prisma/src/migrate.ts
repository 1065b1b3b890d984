import { spawn } from 'node:child_process';
import path from 'node:path';

const prismaScript = path.join(import.meta.dirname, '..', 'scripts', 'prisma.mjs');

/**
 * Applique les migrations en attente (`prisma migrate deploy`). Lancé en processus fils, de
 * façon asynchrone : la base embarquée tourne dans le processus appelant et doit pouvoir répondre.
 */
export async function migrateDatabase(databaseUrl: string, options: { quiet?: boolean } = {}): Promise<void> {
  const output: Buffer[] = [];
  const child = spawn(process.execPath, [prismaScript, 'migrate', 'deploy'], {
    env: { ...process.env, DATABASE_URL: databaseUrl },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.on('data', (chunk: Buffer) => output.push(chunk));
  child.stderr.on('data', (chunk: Buffer) => output.push(chunk));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', resolve);
  });
  const text = Buffer.concat(output).toString('utf8');
  if (code !== 0) throw new Error(`Échec des migrations (code ${code}) :\n${text}`);
  if (!options.quiet) {
    const applied = text.includes('have been applied') ? 'migrations appliquées' : 'schéma à jour';
    console.info(`[db] ${applied}`);
  }
}
