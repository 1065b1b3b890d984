/**
 * Configuration de `prisma generate` (Prisma 7.10, voir scripts/prisma.mjs) : le schéma sans sa
 * ligne `url`, que Prisma 7 refuse ; aucune connexion n'est faite. Les migrations gardent
 * prisma.config.ts (Prisma 6.19.3).
 */
import path from 'node:path';
import { defineConfig } from 'prisma-generate/config';

export default defineConfig({
  schema: path.join(import.meta.dirname, '.generate.prisma'),
  datasource: { url: 'postgresql://generate@localhost/unused' },
});
