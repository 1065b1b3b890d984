import { describe, expect, it } from 'vitest';
import { checkFilename, contentDisposition, uniqueArchiveNames, unescapeMultipartFilename } from './filename.js';

describe('checkFilename : les noms de pièces refusés, avec leur raison', () => {
  it('accepte un nom ordinaire, accents, espaces, guillemets et parenthèses compris ; normalise en NFC', () => {
    expect(checkFilename('PV 2026-118 (audition).pdf')).toEqual({ ok: true, filename: 'PV 2026-118 (audition).pdf' });
    expect(checkFilename('rapport "final" été.pdf')).toEqual({ ok: true, filename: 'rapport "final" été.pdf' });
    // « é » décomposé (e + accent) tel qu'un Mac l'envoie : rendu composé.
    expect(checkFilename('e\u0301te\u0301.jpg')).toEqual({ ok: true, filename: 'été.jpg' });
    expect(checkFilename('  tableur.xlsx  ')).toEqual({ ok: true, filename: 'tableur.xlsx' });
    expect(checkFilename('a..b.pdf')).toEqual({ ok: true, filename: 'a..b.pdf' });
  });

  it('refuse un nom vide', () => {
    for (const name of ['', '   ', null, undefined]) {
      expect(checkFilename(name)).toEqual({ ok: false, message: 'Le fichier n’a pas de nom : donnez-lui un nom avant de le déposer.' });
    }
  });

  it('refuse les chemins et les remontées', () => {
    expect(checkFilename('../../etc/passwd')).toMatchObject({ ok: false, message: expect.stringContaining('séparateur de chemin') });
    expect(checkFilename('C:\\Windows\\system.ini')).toMatchObject({ ok: false, message: expect.stringContaining('séparateur de chemin') });
    expect(checkFilename('dossier/photo.jpg')).toMatchObject({ ok: false, message: expect.stringContaining('séparateur de chemin') });
    for (const name of ['.', '..', '...', '..photo.jpg']) {
      expect(checkFilename(name)).toMatchObject({ ok: false, message: expect.stringContaining('ne peut pas commencer par « .. »') });
    }
  });

  it('refuse les caractères de contrôle (NUL, CR, LF, DEL) et les inversions bidirectionnelles', () => {
    for (const name of ['photo\u0000.jpg', 'a\r\nSet-Cookie: x.pdf', 'tab\there.pdf', 'del\u007f.pdf', 'facture\u202efdp.exe']) {
      const check = checkFilename(name);
      expect(check.ok).toBe(false);
      expect(check).toMatchObject({ message: expect.stringContaining('caractère de contrôle') });
    }
  });

  it('refuse les noms réservés de Windows, avec ou sans extension', () => {
    for (const name of ['CON', 'nul.txt', 'Com1.pdf', 'LPT9', 'aux.tar.gz']) {
      expect(checkFilename(name)).toMatchObject({ ok: false, message: expect.stringContaining('réservé par Windows') });
    }
    expect(checkFilename('console.log').ok).toBe(true);
    expect(checkFilename('COM10.pdf').ok).toBe(true);
  });

  it('refuse un nom de plus de 255 octets (en UTF-8, pas en caractères)', () => {
    expect(checkFilename(`${'a'.repeat(251)}.pdf`).ok).toBe(true);
    expect(checkFilename(`${'a'.repeat(252)}.pdf`)).toMatchObject({ ok: false, message: expect.stringContaining('trop long : 255 octets au plus') });
    // 126 « é » = 252 octets, plus « .pdf » : 256 octets pour 130 caractères.
    expect(checkFilename(`${'é'.repeat(126)}.pdf`)).toMatchObject({ ok: false, message: expect.stringContaining('trop long') });
  });
});

describe('unescapeMultipartFilename', () => {
  it('rend les guillemets, CR et LF échappés par les navigateurs, et rien d’autre', () => {
    expect(unescapeMultipartFilename('rapport %22final%22.pdf')).toBe('rapport "final".pdf');
    expect(unescapeMultipartFilename('a%0D%0Ab.pdf')).toBe('a\r\nb.pdf');
    expect(unescapeMultipartFilename('taux 100%25.pdf')).toBe('taux 100%25.pdf');
  });
});

describe('contentDisposition', () => {
  it('donne un nom ASCII sans guillemet et le nom exact encodé en UTF-8', () => {
    expect(contentDisposition('rapport "final" été.pdf')).toBe(
      `attachment; filename="rapport final ete.pdf"; filename*=UTF-8''rapport%20%22final%22%20%C3%A9t%C3%A9.pdf`,
    );
    expect(contentDisposition('PV.pdf')).toBe(`attachment; filename="PV.pdf"; filename*=UTF-8''PV.pdf`);
  });

  it('ne laisse passer ni retour à la ligne, ni barre oblique inverse, ni séparateur, même si le nom en contenait', () => {
    const header = contentDisposition('a\r\nSet-Cookie: x=1\\..\\b/c "d".txt');
    expect(header).not.toMatch(/[\r\n]/);
    expect(header).toBe(`attachment; filename="aSet-Cookie: x=1_.._b_c d.txt"; filename*=UTF-8''aSet-Cookie%3A%20x%3D1_.._b_c%20%22d%22.txt`);
    expect(contentDisposition('日本.pdf')).toBe(`attachment; filename="__.pdf"; filename*=UTF-8''%E6%97%A5%E6%9C%AC.pdf`);
  });
});

describe('uniqueArchiveNames', () => {
  it('garde les noms, numérote les doublons sans égard à la casse', () => {
    expect(uniqueArchiveNames(['photo.jpg', 'PV.pdf', 'photo.jpg', 'Photo.JPG', 'photo.jpg', 'notes'])).toEqual([
      'photo.jpg',
      'PV.pdf',
      'photo (2).jpg',
      'Photo (3).JPG',
      'photo (4).jpg',
      'notes',
    ]);
  });

  it('un nom déjà numéroté ne fait pas de collision avec un doublon', () => {
    expect(uniqueArchiveNames(['a (2).pdf', 'a.pdf', 'a.pdf'])).toEqual(['a (2).pdf', 'a.pdf', 'a (3).pdf']);
  });
});
