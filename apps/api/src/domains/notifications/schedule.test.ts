import { describe, expect, it } from 'vitest';
import { lastDigestSlot } from './schedule.js';

describe('heure du récapitulatif quotidien (heure de Paris)', () => {
  it('en hiver, 8 h à Paris est 7 h UTC ; en été, 6 h UTC', () => {
    expect(lastDigestSlot(new Date('2026-01-15T12:00:00Z'), 8).toISOString()).toBe('2026-01-15T07:00:00.000Z');
    expect(lastDigestSlot(new Date('2026-07-15T12:00:00Z'), 8).toISOString()).toBe('2026-07-15T06:00:00.000Z');
  });

  it('avant l’heure, c’est le créneau de la veille ; à l’heure pile, celui du jour', () => {
    expect(lastDigestSlot(new Date('2026-01-15T06:59:59Z'), 8).toISOString()).toBe('2026-01-14T07:00:00.000Z');
    expect(lastDigestSlot(new Date('2026-01-15T07:00:00Z'), 8).toISOString()).toBe('2026-01-15T07:00:00.000Z');
    // Le 1er du mois, la veille est dans le mois précédent.
    expect(lastDigestSlot(new Date('2026-03-01T05:00:00Z'), 8).toISOString()).toBe('2026-02-28T07:00:00.000Z');
  });

  it('les jours de changement d’heure (29 mars et 25 octobre 2026)', () => {
    expect(lastDigestSlot(new Date('2026-03-29T12:00:00Z'), 8).toISOString()).toBe('2026-03-29T06:00:00.000Z');
    expect(lastDigestSlot(new Date('2026-03-29T05:00:00Z'), 8).toISOString()).toBe('2026-03-28T07:00:00.000Z');
    expect(lastDigestSlot(new Date('2026-10-25T12:00:00Z'), 8).toISOString()).toBe('2026-10-25T07:00:00.000Z');
    expect(lastDigestSlot(new Date('2026-10-25T06:30:00Z'), 8).toISOString()).toBe('2026-10-24T06:00:00.000Z');
  });

  it('minuit à Paris est la veille au soir en UTC', () => {
    expect(lastDigestSlot(new Date('2026-01-15T23:30:00Z'), 0).toISOString()).toBe('2026-01-15T23:00:00.000Z');
    expect(lastDigestSlot(new Date('2026-01-15T22:30:00Z'), 0).toISOString()).toBe('2026-01-14T23:00:00.000Z');
  });
});
