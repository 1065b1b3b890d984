import { createRequire } from 'node:module';
import PDFDocument from 'pdfkit';

/**
 * La mise en page commune des documents officiels d'infoParquet (accusé de réception, avis de
 * décision) : en-tête, titre, champs « libellé / valeur », mention finale. Les dates du PDF sont
 * celles de l'acte qu'il atteste et rien n'y est aléatoire : les mêmes données donnent les mêmes
 * octets, si bien qu'on régénère un document à la demande au lieu de le stocker.
 */

// Helvetica, la police standard des PDF, n'a ni « ’ » ni « … » ni « œ » : on embarque DejaVu Sans
// (sous-ensemble des seuls glyphes employés), ce qui garde aussi le texte extractible.
const require = createRequire(import.meta.url);
const FONT_REGULAR = require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf');
const FONT_BOLD = require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf');
const FONT_MONO = require.resolve('dejavu-fonts-ttf/ttf/DejaVuSansMono.ttf');

const PARIS_DATE = new Intl.DateTimeFormat('fr-FR', { timeZone: 'Europe/Paris', day: 'numeric', month: 'long', year: 'numeric' });
const PARIS_TIME = new Intl.DateTimeFormat('fr-FR', { timeZone: 'Europe/Paris', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });

/** « 29 novembre 2026 à 15:28:09 (heure de Paris) », « 1er décembre 2026 à … ». */
export function formatParisDateTime(at: Date): string {
  const date = PARIS_DATE.format(at).replace(/^1 /, '1er ');
  return `${date} à ${PARIS_TIME.format(at)} (heure de Paris)`;
}

const GROUPED = new Intl.NumberFormat('fr-FR', { useGrouping: true, maximumFractionDigits: 0 });

/** « 1 048 576 octets » (espaces insécables), la taille exacte plutôt qu'un arrondi : c'est une preuve. */
export function formatSize(bytes: number): string {
  const grouped = GROUPED.format(bytes).replace(/[\u202f\u00a0]/g, '\u00a0');
  return `${grouped}\u00a0octet${bytes > 1 ? 's' : ''}`;
}

export interface OfficialPdf {
  doc: PDFKit.PDFDocument;
  /** Largeur utile de la page. */
  width: number;
  /** Un champ : libellé en gras, valeur dessous. */
  field(label: string, value: string, font?: 'regular' | 'mono'): void;
  /** La mention finale en petits caractères, puis le document fermé et rendu. */
  finish(notice: string): Promise<Buffer>;
}

export function startOfficialPdf(options: { title: string; reference: string; subject: string; date: Date }): OfficialPdf {
  const doc = new PDFDocument({
    size: 'A4',
    margins: { top: 56, bottom: 56, left: 62, right: 62 },
    lang: 'fr-FR',
    displayTitle: true,
    info: {
      Title: `${options.title} – ${options.reference}`,
      Author: 'infoParquet',
      Subject: options.subject,
      Creator: 'infoParquet',
      Producer: 'infoParquet',
      CreationDate: options.date,
      ModDate: options.date,
    },
  });
  doc.registerFont('regular', FONT_REGULAR);
  doc.registerFont('bold', FONT_BOLD);
  doc.registerFont('mono', FONT_MONO);

  const chunks: Buffer[] = [];
  const rendered = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });

  const width = doc.page.width - doc.page.margins.left - doc.page.margins.right;
  doc.font('bold').fontSize(9).fillColor('#000091').text('RÉPUBLIQUE FRANÇAISE', { width });
  doc.font('regular').fontSize(8).fillColor('#3a3a3a').text('infoParquet — signalements de l’article 40 du code de procédure pénale', { width });
  doc.moveDown(2);
  doc.font('bold').fontSize(16).fillColor('#161616').text(options.title, { width });
  doc.moveDown(1);

  return {
    doc,
    width,
    field(label, value, font = 'regular') {
      doc.font('bold').fontSize(10).fillColor('#3a3a3a').text(label, { width });
      doc.font(font).fontSize(11).fillColor('#161616').text(value, { width });
      doc.moveDown(0.6);
    },
    finish(notice) {
      doc.moveDown(1);
      doc.font('regular').fontSize(9).fillColor('#3a3a3a').text(notice, { width, align: 'justify' });
      doc.end();
      return rendered;
    },
  };
}
