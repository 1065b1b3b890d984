#!/usr/bin/env node
// Lance la CLI Prisma 6.19.3 hors ligne : moteur de schéma WebAssembly (prisma.config.ts),
// minuteries détachées, et un faux chemin de moteur pour `generate`, qui ne l'exécute jamais.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);
const here = path.dirname(new URL(import.meta.url).pathname);
const root = path.resolve(here, '..');
const cli = require.resolve('prisma/build/index.js');

const env = { ...process.env, PRISMA_HIDE_UPDATE_MESSAGE: '1', CHECKPOINT_DISABLE: '1' };
env.PRISMA_SCHEMA_ENGINE_BINARY ??= process.execPath;
// Les générateurs (prisma-pothos-types) sont des binaires npm de l'espace de travail.
env.PATH = [path.join(root, 'node_modules/.bin'), path.join(root, '../node_modules/.bin'), env.PATH].join(path.delimiter);
// `generate` lit `env("DATABASE_URL")` sans se connecter.
env.DATABASE_URL ??= 'postgresql://generate@localhost/unused';

const result = spawnSync(
  process.execPath,
  ['--require', path.join(here, 'unref-long-timers.cjs'), '--import', 'tsx', cli, ...process.argv.slice(2), '--config', path.join(root, 'prisma.config.ts')],
  { cwd: root, env, stdio: 'inherit' },
);
process.exit(result.status ?? 1);
