import type { DecisionKind } from '@infoparquet/db';
import PDFDocument from 'pdfkit';
import { FONT_BOLD, FONT_REGULAR, formatParisDateTime } from './proof-of-deposit.js';

/**
 * L'avis de décision (article 40-2 du code de procédure pénale) : ce que le procureur a décidé
 * sur le signalement d'une administration et, pour un classement sans suite, pourquoi. Fonction
 * pure comme l'accusé de réception : dates du PDF prises de la décision, aucune part d'aléa, si
 * bien qu'on le régénère à la demande au lieu de le stocker. Un avis par décision.
 */
export interface AvisDeDecision {
  reference: string;
  parquetName: string;
  administrationName: string;
  title: string;
  kind: DecisionKind;
  decidedAt: Date;
  /** Le magistrat auteur de la décision. */
  magistrateName: string;
  /** Le motif de classement, pour un classement sans suite. */
  dismissalReason: { code: string; label: string } | null;
  /** La motivation écrite, reproduite en entier. */
  reasons: string;
}

export const AVIS_DE_DECISION_TITLE = 'Avis de décision du procureur de la République (article 40-2 du code de procédure pénale)';

export const DECISION_KIND_LABELS: Record<DecisionKind, string> = {
  PROSECUTION: 'Poursuites engagées',
  ALTERNATIVE_MEASURE: 'Alternative aux poursuites',
  JUDICIAL_INVESTIGATION: 'Information judiciaire ouverte',
  DISMISSAL: 'Classement sans suite',
};

export async function renderAvisDeDecision(avis: AvisDeDecision): Promise<Buffer> {
  const doc = new PDFDocument({
    size: 'A4',
    margins: { top: 56, bottom: 56, left: 62, right: 62 },
    lang: 'fr-FR',
    displayTitle: true,
    info: {
      Title: `${AVIS_DE_DECISION_TITLE} – ${avis.reference}`,
      Author: 'infoParquet',
      Subject: `Avis de décision sur le signalement ${avis.reference}`,
      Creator: 'infoParquet',
      Producer: 'infoParquet',
      CreationDate: avis.decidedAt,
      ModDate: avis.decidedAt,
    },
  });
  doc.registerFont('regular', FONT_REGULAR);
  doc.registerFont('bold', FONT_BOLD);

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
  doc.font('bold').fontSize(16).fillColor('#161616').text(AVIS_DE_DECISION_TITLE, { width });
  doc.moveDown(1);

  const field = (label: string, value: string) => {
    doc.font('bold').fontSize(10).fillColor('#3a3a3a').text(label, { width });
    doc.font('regular').fontSize(11).fillColor('#161616').text(value, { width });
    doc.moveDown(0.6);
  };

  field('Référence du signalement', avis.reference);
  field('Parquet', avis.parquetName);
  field('Administration destinataire de l’avis', avis.administrationName);
  field('Titre du signalement', avis.title);
  field('Décision', DECISION_KIND_LABELS[avis.kind]);
  field('Date de la décision', formatParisDateTime(avis.decidedAt));
  field('Magistrat', avis.magistrateName);
  if (avis.dismissalReason) {
    field('Motif du classement', `${avis.dismissalReason.code} — ${avis.dismissalReason.label}`);
  }
  field(avis.kind === 'DISMISSAL' ? 'Raisons juridiques ou d’opportunité' : 'Motivation', avis.reasons);

  doc.moveDown(1);
  doc
    .font('regular')
    .fontSize(9)
    .fillColor('#3a3a3a')
    .text(
      'Avis adressé en application de l’article 40-2 du code de procédure pénale. ' +
        (avis.kind === 'DISMISSAL'
          ? 'La décision de classement sans suite peut faire l’objet d’un recours auprès du procureur général (article 40-3). '
          : '') +
        'Ce document est généré par infoParquet à partir des données enregistrées ; le régénérer donne le même document.',
      { width, align: 'justify' },
    );

  doc.end();
  return done;
}
