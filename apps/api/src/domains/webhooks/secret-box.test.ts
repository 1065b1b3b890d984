import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { readEnv } from '../../env.js';
import { createSecretBox, missingProductionSecretKey, webhookSecretBox } from './secret-box.js';
import { newWebhookSecret } from './signature.js';

describe('secrets de webhooks chiffrés en base', () => {
  const secret = newWebhookSecret();
  const oldKey = randomBytes(32);
  const newKey = randomBytes(32);

  it('chiffré, le secret ne se lit plus ; déchiffré, il revient tel quel ; deux chiffrements diffèrent', () => {
    const box = createSecretBox(newKey);
    const stored = box.seal(secret);
    expect(stored).not.toContain(secret.slice('whsec_'.length, 20));
    expect(stored).toMatch(/^v1\.[\w-]{8}\.[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(box.seal(secret)).not.toBe(stored);
    expect(box.open(stored)).toBe(secret);
    expect(box.isCurrent(stored)).toBe(true);
  });

  it('une valeur altérée ou chiffrée avec une clé inconnue est refusée, avec un message clair', () => {
    const box = createSecretBox(newKey);
    const stored = box.seal(secret);
    const parts = stored.split('.');
    const flipped = Buffer.from(parts[3]!, 'base64url');
    flipped[0] = flipped[0]! ^ 1;
    expect(() => box.open([...parts.slice(0, 3), flipped.toString('base64url'), parts[4]].join('.'))).toThrow();
    expect(() => createSecretBox(randomBytes(32)).open(stored)).toThrow(/clé inconnue .*WEBHOOK_SECRET_KEY/);
    expect(() => box.open('n’importe quoi')).toThrow('Secret de webhook illisible');
  });

  it('changement de clé : l’ancienne ouvre encore ce qu’elle a chiffré, qui n’est plus « courant »', () => {
    const stored = createSecretBox(oldKey).seal(secret);
    const rotated = createSecretBox(newKey, [oldKey]);
    expect(rotated.open(stored)).toBe(secret);
    expect(rotated.isCurrent(stored)).toBe(false);
  });

  it('un secret écrit en clair avant le chiffrement se relit tel quel, à rechiffrer', () => {
    const box = createSecretBox(newKey);
    expect(box.open(secret)).toBe(secret);
    expect(box.isCurrent(secret)).toBe(false);
  });

  it('la clé vient de WEBHOOK_SECRET_KEY ; une clé mal formée est refusée ; la production l’exige', () => {
    const key = newKey.toString('base64');
    const fromEnv = webhookSecretBox(readEnv({ NODE_ENV: 'production', WEBHOOK_SECRET_KEY: key }));
    expect(createSecretBox(newKey).open(fromEnv.seal(secret))).toBe(secret);
    expect(() => readEnv({ WEBHOOK_SECRET_KEY: 'trop-courte' })).toThrow(/WEBHOOK_SECRET_KEY: clé de 32 octets en base64 attendue/);
    expect(missingProductionSecretKey(readEnv({ NODE_ENV: 'production' }))).toBe(true);
    expect(missingProductionSecretKey(readEnv({ NODE_ENV: 'production', WEBHOOK_SECRET_KEY: key }))).toBe(false);
    expect(missingProductionSecretKey(readEnv({ NODE_ENV: 'development' }))).toBe(false);
  });
});
