import type { Prisma } from '@infoparquet/db';
import { formatReference } from '@infoparquet/validation';
import { describe, expect, it } from 'vitest';
import { issueReference, referenceYear } from './reference.js';

describe('année de la référence', () => {
  it('suit l’heure de Paris : le 31 décembre à 23 h 30 UTC, Paris est déjà en janvier', () => {
    // 23 h 30 UTC le 31 décembre = 0 h 30 le 1er janvier à Paris (UTC+1 en hiver).
    expect(referenceYear(new Date('2026-12-31T23:30:00Z'))).toBe(2027);
    // 22 h 30 UTC = 23 h 30 à Paris : encore l'année qui s'achève.
    expect(referenceYear(new Date('2026-12-31T22:30:00Z'))).toBe(2026);
  });

  it('bascule exactement à minuit heure de Paris', () => {
    expect(referenceYear(new Date('2026-12-31T22:59:59.999Z'))).toBe(2026);
    expect(referenceYear(new Date('2026-12-31T23:00:00.000Z'))).toBe(2027);
  });
});

describe('format de la référence', () => {
  it('complète le numéro à six chiffres', () => {
    expect(formatReference(2026, 'MELUN', 1)).toBe('IP-2026-MELUN-000001');
    expect(formatReference(2026, 'MELUN', 42)).toBe('IP-2026-MELUN-000042');
    expect(formatReference(2026, 'MELUN', 999999)).toBe('IP-2026-MELUN-999999');
  });

  it('la référence émise porte l’année de Paris et le numéro rendu par le compteur', async () => {
    const calls: unknown[][] = [];
    // Transaction factice : le compteur répond 7 ; on garde les paramètres envoyés à PostgreSQL.
    const tx = {
      $queryRaw: async (_sql: TemplateStringsArray, ...values: unknown[]) => {
        calls.push(values);
        return [{ last_value: 7 }];
      },
    } as unknown as Prisma.TransactionClient;
    const parquet = { id: '5f0c7a8e-3d1b-4c2a-9e6f-0a1b2c3d4e5f', code: 'MELUN' };

    const reference = await issueReference(tx, parquet, new Date('2026-12-31T23:30:00Z'));

    expect(reference).toBe('IP-2027-MELUN-000007');
    // Le compteur est celui du parquet pour l'année de Paris, pas l'année UTC.
    expect(calls).toEqual([[parquet.id, 2027]]);
  });
});
