#!/usr/bin/env node
// Lance la CLI Prisma hors ligne, dans la bonne version :
// - `generate` : Prisma 7.10 (paquet `prisma-generate`), qui écrit le client de l'exécution
//   (@prisma/client 7.10, avec son cache de plans de requêtes). Il refuse `url` dans le schéma : il
//   lit une copie sans cette ligne, à côté du schéma (chemins relatifs inchangés), et sa propre
//   configuration (generate.config.ts). Un faux chemin de moteur de schéma : il ne l'exécute jamais.
// - le reste (`migrate deploy`, `migrate dev`, `status`) : Prisma 6.19.3, le seul dont le moteur de
//   schéma WebAssembly marche hors ligne (prisma.config.ts) ; Prisma 7 télécharge un moteur natif.
// Voir ../shared/TOOLCHAIN.md. Les minuteries longues sont détachées (unref-long-timers.cjs).
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);
const here = path.dirname(new URL(import.meta.url).pathname);
const root = path.resolve(here, '..');
const args = process.argv.slice(2);
const generating = args[0] === 'generate';

const env = { ...process.env, PRISMA_HIDE_UPDATE_MESSAGE: '1', CHECKPOINT_DISABLE: '1' };
env.PRISMA_SCHEMA_ENGINE_BINARY ??= process.execPath;
// Les générateurs (prisma-pothos-types) sont des binaires npm de l'espace de travail.
env.PATH = [path.join(root, 'node_modules/.bin'), path.join(root, '../node_modules/.bin'), env.PATH].join(path.delimiter);
// `generate` lit `env("DATABASE_URL")` sans se connecter.
env.DATABASE_URL ??= 'postgresql://generate@localhost/unused';

const GENERATE_SCHEMA = path.join(root, '.generate.prisma');
let cli;
let config;
if (generating) {
  const schema = readFileSync(path.join(root, 'schema.prisma'), 'utf8');
  writeFileSync(GENERATE_SCHEMA, schema.replace(/^\s*url\s*=\s*env\("DATABASE_URL"\)\s*\n/m, ''));
  cli = require.resolve('prisma-generate/build/index.js');
  config = path.join(root, 'generate.config.ts');
} else {
  cli = require.resolve('prisma/build/index.js');
  config = path.join(root, 'prisma.config.ts');
}

const result = spawnSync(
  process.execPath,
  ['--require', path.join(here, 'unref-long-timers.cjs'), '--import', 'tsx', cli, ...args, '--config', config],
  { cwd: root, env, stdio: 'inherit' },
);
if (generating) rmSync(GENERATE_SCHEMA, { force: true });
process.exit(result.status ?? 1);
