import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { describe, expect, it } from 'vitest';
import { pdfText } from './pdf-text.js';
import { AVIS_DE_DECISION_TITLE, renderAvisDeDecision, type AvisDeDecision } from '../src/domains/documents/avis-de-decision.js';

const dismissal: AvisDeDecision = {
  reference: 'IP-2026-MELUN-000042',
  parquetName: 'Parquet de Melun',
  administrationName: 'DDPP de Seine-et-Marne',
  title: 'Tromperie sur l’origine… de produits « bio »',
  kind: 'DISMISSAL',
  decidedAt: new Date('2026-12-01T09:15:30.250Z'),
  magistrateName: 'Hélène Lœwy',
  dismissalReason: { code: '21', label: 'Infraction insuffisamment caractérisée' },
  reasons: 'Les constatations ne permettent pas d’établir l’élément intentionnel.\nAucun préjudice n’a été identifié.',
};

describe('avis de décision (générateur)', () => {
  it('classement sans suite : décision, date, magistrat, motif et raisons en entier', async () => {
    const text = await pdfText(await renderAvisDeDecision(dismissal));
    expect(text).toContain(AVIS_DE_DECISION_TITLE);
    expect(text).toContain('IP-2026-MELUN-000042');
    expect(text).toContain('Parquet de Melun');
    expect(text).toContain('DDPP de Seine-et-Marne');
    expect(text).toContain('Tromperie sur l’origine… de produits « bio »');
    expect(text).toContain('Classement sans suite');
    expect(text).toContain('1er décembre 2026 à 10:15:30 (heure de Paris)');
    expect(text).toContain('Hélène Lœwy');
    expect(text).toContain('21 — Infraction insuffisamment caractérisée');
    expect(text).toContain('Les constatations ne permettent pas d’établir l’élément intentionnel. Aucun préjudice n’a été identifié.');
    expect(text).toContain('article 40-3');
  });

  it('chaque nature de décision en français ; pas de motif hors classement', async () => {
    const labels = {
      PROSECUTION: 'Poursuites engagées',
      ALTERNATIVE_MEASURE: 'Alternative aux poursuites',
      JUDICIAL_INVESTIGATION: 'Information judiciaire ouverte',
    } as const;
    for (const [kind, label] of Object.entries(labels)) {
      const text = await pdfText(
        await renderAvisDeDecision({ ...dismissal, kind: kind as keyof typeof labels, dismissalReason: null, reasons: 'Citation directe.' }),
      );
      expect(text).toContain(label);
      expect(text).toContain('Citation directe.');
      expect(text).not.toContain('Classement sans suite');
      expect(text).not.toContain('Motif du classement');
    }
  });

  it('mêmes données, mêmes octets ; dates du PDF prises de la décision', async () => {
    const first = await renderAvisDeDecision(dismissal);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const second = await renderAvisDeDecision(dismissal);
    expect(second.equals(first)).toBe(true);
    expect(first.subarray(0, 5).toString()).toBe('%PDF-');
    const document = await getDocument({ data: new Uint8Array(first) }).promise;
    const info = (await document.getMetadata()).info as Record<string, unknown>;
    expect(info.CreationDate).toBe('D:20261201091530Z');
    await document.destroy();
  });
});
