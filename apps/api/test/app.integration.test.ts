import { createPrismaClient } from '@infoparquet/db';
import { afterAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.js';
import { readEnv } from '../src/env.js';
import { createRealtime } from '../src/realtime/index.js';
import { testDatabaseUrl } from './database.js';

const prisma = createPrismaClient(testDatabaseUrl(), { maxConnections: 2 });
afterAll(() => prisma.$disconnect());

async function graphiql(nodeEnv: 'development' | 'production') {
  const realtime = createRealtime(prisma, { pollIntervalMs: 60_000 });
  const app = buildApp({ prisma, env: readEnv({ NODE_ENV: nodeEnv }), realtime });
  afterAll(() => realtime.close());
  const response = await app.fetch('http://infoparquet.test/graphql', { headers: { accept: 'text/html' } });
  return { status: response.status, body: await response.text() };
}

describe('GraphiQL', () => {
  it('est servi sur /graphql hors production', async () => {
    const { status, body } = await graphiql('development');
    expect(status).toBe(200);
    expect(body).toContain('infoParquet — API GraphQL');
  });

  it('n’est pas servi en production', async () => {
    const { body } = await graphiql('production');
    expect(body).not.toContain('infoParquet — API GraphQL');
  });
});
