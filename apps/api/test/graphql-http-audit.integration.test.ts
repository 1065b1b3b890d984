import { randomUUID } from 'node:crypto';
import { auditServer, type AuditResult } from 'graphql-http';
import { describe, expect, it } from 'vitest';
import { setupIntegration } from './helpers.js';
import { REDIS_URL, startInstance } from './realtime-helpers.js';

/**
 * Conformité à la spécification GraphQL over HTTP : l'audit de graphql-http, contre un vrai
 * serveur avec toutes ses protections (limites de débit partagées par Redis comprises). Chaque
 * exigence MUST et SHOULD doit passer.
 */
setupIntegration();

/** Les exigences MUST et SHOULD manquées, avec la raison et le début de la réponse. */
async function failuresOf(results: AuditResult[]): Promise<{ name: string; detail: string }[]> {
  const failures = [];
  for (const result of results) {
    if (result.status === 'ok' || result.name.startsWith('MAY')) continue;
    const body = await result.response.text().catch(() => '(corps illisible)');
    failures.push({ name: result.name, detail: `${result.reason} — HTTP ${result.response.status} ${body.slice(0, 300)}` });
  }
  return failures;
}

async function audit(overrides: Record<string, string>) {
  const api = await startInstance({
    EMAIL_NOTIFICATIONS: 'false',
    REDIS_URL,
    RATE_LIMIT_PER_MINUTE_IP: '10000',
    RATE_LIMIT_PER_MINUTE_USER: '10000',
    RATE_LIMIT_KEY_PREFIX: `infoparquet-test:audit:${randomUUID()}`,
    ...overrides,
  });
  const results = await auditServer({ url: api.url, fetchFn: fetch });
  // L'audit a bien tourné en entier (graphql-http 1.23.1 : 36 exigences MUST et SHOULD, 61 en tout).
  expect(results.filter((result) => /^(MUST|SHOULD) /.test(result.name)).length).toBeGreaterThanOrEqual(36);
  return failuresOf(results);
}

describe('audit graphql-http (GraphQL over HTTP)', () => {
  it('NODE_ENV=test : toutes les exigences MUST et SHOULD sont remplies', async () => {
    expect(await audit({ NODE_ENV: 'test' })).toEqual([]);
  });

  it('NODE_ENV=production avec l’introspection (GRAPHQL_INTROSPECTION=true) : toutes les exigences MUST et SHOULD sont remplies', async () => {
    expect(await audit({ NODE_ENV: 'production', GRAPHQL_INTROSPECTION: 'true' })).toEqual([]);
  });

  it('NODE_ENV=production par défaut : seules les deux exigences dont la requête d’audit est une introspection (__type) sont refusées, par INTROSPECTION_DISABLED', async () => {
    const failures = await audit({ NODE_ENV: 'production' });
    expect(failures.map((failure) => failure.name).sort()).toEqual([
      'MUST allow map {variables} parameter when accepting application/json',
      'SHOULD allow map {variables} parameter when accepting application/graphql-response+json',
    ]);
    for (const failure of failures) expect(failure.detail).toContain('"code":"INTROSPECTION_DISABLED"');
  });
});
