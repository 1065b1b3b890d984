import { formatParisDateTime, formatSize, startOfficialPdf } from './official-pdf.js';

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

export async function renderProofOfDeposit(deposit: ProofOfDeposit, pieces: readonly DepositedPiece[]): Promise<Buffer> {
  const { doc, width, field, finish } = startOfficialPdf({
    title: PROOF_OF_DEPOSIT_TITLE,
    reference: deposit.reference,
    subject: `Accusé de réception du signalement ${deposit.reference}`,
    date: deposit.transmittedAt,
  });

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

  return finish(
    'Le contenu du signalement a été figé à sa transmission. L’empreinte ci-dessus, calculée sur ce contenu, ' +
      'permet de vérifier à tout moment qu’il n’a pas été modifié depuis. Ce document est généré par infoParquet ' +
      'à partir des données enregistrées ; le régénérer donne le même document.',
  );
}
