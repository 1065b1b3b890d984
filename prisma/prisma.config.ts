/**
 * Configuration de la CLI Prisma des migrations (6.19.3) : moteur de schéma WebAssembly et
 * adaptateur `pg` de la même version (`@prisma/adapter-pg-migrate`, alias de
 * `@prisma/adapter-pg@6.19.3` ; le client, lui, est en 7.10), parce que les moteurs natifs de
 * Prisma se téléchargent et qu'ici rien ne se télécharge.
 * Voir ../shared/TOOLCHAIN.md et scripts/prisma.mjs, qui lance la CLI avec ce qu'il faut.
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { PrismaPg } from '@prisma/adapter-pg-migrate';
import { ColumnTypeEnum } from '@prisma/driver-adapter-utils';
import pg from 'pg';
import { defineConfig } from 'prisma/config';

// L'introspection lit les types `name` (19), `"char"` (18) et leurs tableaux (1003, 1002), que
// l'adaptateur ne sait pas décoder (prisma/orm#27403) : on les lit comme du texte.
const remap: Record<number, number> = { 18: 25, 19: 25, 1002: 1009, 1003: 1009 };
const resultProto = pg.Result.prototype as unknown as {
  addFields(fields: { dataTypeID: number }[]): void;
};
const addFields = resultProto.addFields;
resultProto.addFields = function (fields) {
  for (const field of fields) field.dataTypeID = remap[field.dataTypeID] ?? field.dataTypeID;
  return addFields.call(this, fields);
};

function databaseUrl(): string {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL doit être défini pour la CLI Prisma.');
  return url;
}

type SqlAdapter = Awaited<ReturnType<PrismaPg['connect']>>;

/**
 * L'adaptateur découpe les scripts de migration sur chaque « ; », ce qui casse les fonctions
 * PL/pgSQL et les chaînes qui en contiennent. On envoie le script entier en une requête simple :
 * PostgreSQL l'exécute d'un bloc, dans une transaction implicite.
 */
function wholeScripts(adapter: SqlAdapter): SqlAdapter {
  const client = (adapter as unknown as { client: pg.Pool | pg.Client }).client;
  adapter.executeScript = async (script: string) => {
    await client.query(script);
  };
  // Le type `"char"` est lu comme du texte (voir plus haut), mais le moteur attend un caractère
  // pour `pg_constraint.contype` : sans cela il s'arrête net dès qu'une contrainte CHECK existe.
  const queryRaw = adapter.queryRaw.bind(adapter);
  adapter.queryRaw = async (query) => {
    const result = await queryRaw(query);
    result.columnNames.forEach((name, index) => {
      if (name === 'constraint_type') result.columnTypes[index] = ColumnTypeEnum.Character;
    });
    return result;
  };
  return adapter;
}

/** `migrate dev` compare le schéma sur une base fantôme : une base jetable, détruite ensuite. */
class MigrationPrismaPg extends PrismaPg {
  override async connect() {
    return wholeScripts(await super.connect());
  }

  override async connectToShadowDb() {
    const url = new URL(databaseUrl());
    const name = `infoparquet_shadow_${randomBytes(4).toString('hex')}`;
    const admin = new pg.Client({ connectionString: url.toString() });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    url.pathname = `/${name}`;
    const adapter = wholeScripts(await new PrismaPg({ connectionString: url.toString(), allowExitOnIdle: true }).connect());
    const dispose = adapter.dispose.bind(adapter);
    adapter.dispose = async () => {
      await dispose();
      const cleaner = new pg.Client({ connectionString: databaseUrl() });
      await cleaner.connect();
      await cleaner.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await cleaner.end();
    };
    return adapter;
  }
}

export default defineConfig({
  experimental: { adapter: true },
  engine: 'js',
  adapter: async () => new MigrationPrismaPg({ connectionString: databaseUrl(), allowExitOnIdle: true }),
  schema: path.join(import.meta.dirname, 'schema.prisma'),
  migrations: { path: path.join(import.meta.dirname, 'migrations') },
});
