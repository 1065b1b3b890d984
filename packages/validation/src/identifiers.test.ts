import { describe, expect, it } from 'vitest';
import { formatReference, inseeCode, isValidSiren, procedureReference } from './identifiers';
import { decisionInputSchema, signalementInputSchema } from './signalement';

describe('identifiants', () => {
  it('reconnaît un SIREN valide et refuse une faute de frappe', () => {
    expect(isValidSiren('130025265')).toBe(true); // DINUM
    expect(isValidSiren('130025266')).toBe(false);
    expect(isValidSiren('12345678')).toBe(false);
  });

  it('accepte les communes corses et refuse un code trop court', () => {
    expect(inseeCode.safeParse('2A004').success).toBe(true);
    expect(inseeCode.safeParse('77288').success).toBe(true);
    expect(inseeCode.safeParse('7728').success).toBe(false);
  });

  it('forme la référence sur six chiffres', () => {
    const reference = formatReference(2026, 'MELUN', 42);
    expect(reference).toBe('IP-2026-MELUN-000042');
    expect(procedureReference.safeParse(reference).success).toBe(true);
  });
});

describe('saisie du signalement', () => {
  const base = { title: 'Fraude', facts: 'Des faits.', factsDate: 'mars 2026' };

  it('exige un motif pour un signalement urgent, et une précision pour « Autre »', () => {
    const missing = signalementInputSchema.safeParse({ ...base, urgent: true });
    expect(missing.success).toBe(false);
    expect(missing.error?.issues.map((issue) => issue.path.join('.'))).toEqual(['urgencyReason']);
    const other = signalementInputSchema.safeParse({ ...base, urgent: true, urgencyReason: 'OTHER' });
    expect(other.error?.issues[0]?.message).toMatch(/Précision/);
  });

  it('refuse une période des faits à l’envers', () => {
    const result = signalementInputSchema.safeParse({ ...base, factsFrom: '2026-05-01', factsTo: '2026-03-01' });
    expect(result.error?.issues[0]?.path).toEqual(['factsTo']);
  });

  it('exige un motif de classement pour un classement sans suite', () => {
    const result = decisionInputSchema.safeParse({ kind: 'DISMISSAL', reasons: 'Faits non établis.' });
    expect(result.error?.issues[0]?.path).toEqual(['dismissalReasonCode']);
    expect(decisionInputSchema.safeParse({ kind: 'PROSECUTION', reasons: 'Citation directe.' }).success).toBe(true);
  });
});
