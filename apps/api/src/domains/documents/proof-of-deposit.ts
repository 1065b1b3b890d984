import { createRequire } from 'node:module';
import PDFDocument from 'pdfkit';

/**
 * L'accusé de réception d'un signalement (article 40 du code de procédure pénale) : la preuve,
 * pour l'administration, de ce qu'elle a transmis, à qui et à quel instant. Fonction pure : les
 * mêmes données donnent les mêmes octets (dates du PDF prises de la transmission, identifiant de
 * fichier dérivé de ces dates, aucune part d'aléa), si bien qu'on le régénère à la demande au
 * lieu de le stocker.
 */
export interface ProofOfDeposit {
  reference: string;
  transmittedAt: Date;
  administrationName: string;
  /** Nom de l'agent qui a transmis. */
  agentName: string;
  /** Le parquet destinataire au moment de la transmission. */
  parquetName: string;
  /** Le parquet qui le détient aujourd'hui, s'il a été transféré depuis. */
  transferredToName: string | null;
  title: string;
  contentHash: string;
}

/** Une pièce transmise : nom, taille en octets, empreinte SHA-256 en hexadécimal. */
export interface DepositedPiece {
  name: string;
  size: number;
  sha256: string;
}

export const PROOF_OF_DEPOSIT_TITLE = 'Accusé de réception d’un signalement (article 40 du code de procédure pénale)';

// Helvetica, la police standard des PDF, n'a ni « ’ » ni « … » ni « œ » : on embarque DejaVu Sans
// (sous-ensemble des seuls glyphes employés), ce qui garde aussi le texte extractible.
const require = createRequire(import.meta.url);
export const FONT_REGULAR = require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf');
export const FONT_BOLD = require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf');
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

export async function renderProofOfDeposit(deposit: ProofOfDeposit, pieces: readonly DepositedPiece[]): Promise<Buffer> {
  const doc = new PDFDocument({
    size: 'A4',
    margins: { top: 56, bottom: 56, left: 62, right: 62 },
    lang: 'fr-FR',
    displayTitle: true,
    info: {
      Title: `${PROOF_OF_DEPOSIT_TITLE} – ${deposit.reference}`,
      Author: 'infoParquet',
      Subject: `Accusé de réception du signalement ${deposit.reference}`,
      Creator: 'infoParquet',
      Producer: 'infoParquet',
      CreationDate: deposit.transmittedAt,
      ModDate: deposit.transmittedAt,
    },
  });
  doc.registerFont('regular', FONT_REGULAR);
  doc.registerFont('bold', FONT_BOLD);
  doc.registerFont('mono', FONT_MONO);

  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });

  const width = doc.page.width - doc.page.margins.left - doc.page.margins.right;
  doc.font('bold').fontSize(9).fillColor('#000091').text('RÉPUBLIQUE FRANÇAISE', { width });
  doc.font('regular').fontSize(8).fillColor('#3a3a3a').text('infoParquet — signalements de l’article 40 du code de procédure pénale', { width });
  doc.moveDown(2);
  doc.font('bold').fontSize(16).fillColor('#161616').text(PROOF_OF_DEPOSIT_TITLE, { width });
  doc.moveDown(1);

  const field = (label: string, value: string, font: 'regular' | 'mono' = 'regular') => {
    doc.font('bold').fontSize(10).fillColor('#3a3a3a').text(label, { width });
    doc.font(font).fontSize(11).fillColor('#161616').text(value, { width });
    doc.moveDown(0.6);
  };

  field('Référence', deposit.reference);
  field('Transmis le', formatParisDateTime(deposit.transmittedAt));
  field('Administration expéditrice', deposit.administrationName);
  field('Agent ayant transmis', deposit.agentName);
  field(
    'Parquet destinataire',
    deposit.transferredToName ? `${deposit.parquetName}, transféré depuis au ${deposit.transferredToName}` : deposit.parquetName,
  );
  field('Titre', deposit.title);

  doc.font('bold').fontSize(10).fillColor('#3a3a3a').text('Pièces transmises', { width });
  if (pieces.length === 0) {
    doc.font('regular').fontSize(11).fillColor('#161616').text('Aucune pièce jointe.', { width });
  } else {
    pieces.forEach((piece, index) => {
      doc.font('regular').fontSize(11).fillColor('#161616').text(`${index + 1}. ${piece.name} — ${formatSize(piece.size)}`, { width });
      doc.font('mono').fontSize(8).fillColor('#3a3a3a').text(`SHA-256 : ${piece.sha256}`, { width, indent: 14 });
    });
  }
  doc.moveDown(0.6);

  field('Empreinte SHA-256 du contenu transmis', deposit.contentHash, 'mono');

  doc.moveDown(1);
  doc
    .font('regular')
    .fontSize(9)
    .fillColor('#3a3a3a')
    .text(
      'Le contenu du signalement a été figé à sa transmission. L’empreinte ci-dessus, calculée sur ce contenu, ' +
        'permet de vérifier à tout moment qu’il n’a pas été modifié depuis. Ce document est généré par infoParquet ' +
        'à partir des données enregistrées ; le régénérer donne le même document.',
      { width, align: 'justify' },
    );

  doc.end();
  return done;
}
