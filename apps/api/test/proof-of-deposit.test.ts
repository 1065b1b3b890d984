import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { describe, expect, it } from 'vitest';
import { pdfText } from './pdf-text.js';
import { formatParisDateTime } from '../src/domains/documents/official-pdf.js';
import { PROOF_OF_DEPOSIT_TITLE, renderProofOfDeposit, type ProofOfDeposit } from '../src/domains/documents/proof-of-deposit.js';

const deposit: ProofOfDeposit = {
  reference: 'IP-2026-MELUN-000042',
  transmittedAt: new Date('2026-11-29T14:28:09.512Z'),
  administrationName: 'DDPP de Seine-et-Marne',
  agentName: 'Camille Œuvrard',
  parquetName: 'Parquet de Melun',
  transferredToName: null,
  title: 'Tromperie sur l’origine… de produits « bio »',
  contentHash: 'a'.repeat(64),
};

describe('accusé de réception (générateur)', () => {
  it('date et heure à la seconde, heure de Paris', () => {
    expect(formatParisDateTime(deposit.transmittedAt)).toBe('29 novembre 2026 à 15:28:09 (heure de Paris)');
    expect(formatParisDateTime(new Date('2026-07-01T06:05:04Z'))).toBe('1er juillet 2026 à 08:05:04 (heure de Paris)');
  });

  it('liste les pièces avec leur taille et leur SHA-256, texte extractible', async () => {
    const pieces = [
      { name: 'procès-verbal de constat.pdf', size: 1_048_576, sha256: '1'.repeat(64) },
      { name: 'photos.zip', size: 532, sha256: 'f'.repeat(64) },
    ];
    const text = await pdfText(await renderProofOfDeposit(deposit, pieces));
    expect(text).toContain(PROOF_OF_DEPOSIT_TITLE);
    expect(text).toContain('IP-2026-MELUN-000042');
    expect(text).toContain('29 novembre 2026 à 15:28:09 (heure de Paris)');
    expect(text).toContain('Camille Œuvrard');
    expect(text).toContain('Tromperie sur l’origine… de produits « bio »');
    expect(text).toContain('1. procès-verbal de constat.pdf — 1 048 576 octets');
    expect(text).toContain(`SHA-256 : ${'1'.repeat(64)}`);
    expect(text).toContain('2. photos.zip — 532 octets');
    expect(text).toContain(`SHA-256 : ${'f'.repeat(64)}`);
    expect(text).not.toContain('Aucune pièce jointe.');
    expect(text).toContain('a'.repeat(64));
  });

  it('sans pièce, le dit ; un transfert ultérieur est mentionné', async () => {
    const text = await pdfText(await renderProofOfDeposit({ ...deposit, transferredToName: 'Parquet de Meaux' }, []));
    expect(text).toContain('Aucune pièce jointe.');
    expect(text).toContain('Parquet de Melun, transféré depuis au Parquet de Meaux');
  });

  it('mêmes données, mêmes octets ; dates du PDF prises de la transmission', async () => {
    const first = await renderProofOfDeposit(deposit, []);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const second = await renderProofOfDeposit(deposit, []);
    expect(second.equals(first)).toBe(true);
    expect(first.subarray(0, 5).toString()).toBe('%PDF-');
    const document = await getDocument({ data: new Uint8Array(first) }).promise;
    const info = (await document.getMetadata()).info as Record<string, unknown>;
    expect(info.CreationDate).toBe("D:20261129142809Z");
    await document.destroy();
  });
});
