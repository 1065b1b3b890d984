import { describe, expect, it } from 'vitest';
import { DEFAULT_RETENTION_POLICY, expiryThreshold, parseRetentionPolicy } from './policy.js';

describe('politique de conservation', () => {
  it('lit la politique par défaut', () => {
    expect(parseRetentionPolicy(DEFAULT_RETENTION_POLICY)).toEqual({
      CLOSED: { years: 10, months: 0, days: 0, text: '10y' },
      WITHDRAWN: { years: 5, months: 0, days: 0, text: '5y' },
      DRAFT: { years: 1, months: 0, days: 0, text: '1y' },
    });
  });

  it('accepte mois et jours, espaces compris, et laisse de côté un statut non cité', () => {
    expect(parseRetentionPolicy(' CLOSED = 18m , DRAFT=90d ')).toEqual({
      CLOSED: { years: 0, months: 18, days: 0, text: '18m' },
      DRAFT: { years: 0, months: 0, days: 90, text: '90d' },
    });
    expect(parseRetentionPolicy('')).toEqual({});
  });

  it('refuse en français une procédure en cours, une durée nulle ou mal écrite, un doublon', () => {
    expect(() => parseRetentionPolicy('IN_PROGRESS=1y')).toThrow(/« IN_PROGRESS » ne se purge pas/);
    expect(() => parseRetentionPolicy('DECIDED=1y')).toThrow(/procédure en cours est toujours conservée/);
    expect(() => parseRetentionPolicy('CLOSED=0y')).toThrow(/durée « 0y » invalide pour CLOSED/);
    expect(() => parseRetentionPolicy('CLOSED=10 ans')).toThrow(/durée « 10 ans » invalide/);
    expect(() => parseRetentionPolicy('CLOSED')).toThrow(/n'est pas de la forme STATUT=durée/);
    expect(() => parseRetentionPolicy('CLOSED=1y,CLOSED=2y')).toThrow(/cité deux fois/);
  });

  it('calcule l’échéance au calendrier', () => {
    const now = new Date('2036-03-31T10:00:00.000Z');
    expect(expiryThreshold({ years: 10, months: 0, days: 0, text: '10y' }, now).toISOString()).toBe('2026-03-31T10:00:00.000Z');
    expect(expiryThreshold({ years: 0, months: 0, days: 30, text: '30d' }, now).toISOString()).toBe('2036-03-01T10:00:00.000Z');
  });
});
