import type { DecisionKind } from '@infoparquet/db';
import { DECISION_KIND_LABELS } from '@infoparquet/validation';
import { formatParisDateTime, startOfficialPdf } from './official-pdf.js';

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


export async function renderAvisDeDecision(avis: AvisDeDecision): Promise<Buffer> {
  const { field, finish } = startOfficialPdf({
    title: AVIS_DE_DECISION_TITLE,
    reference: avis.reference,
    subject: `Avis de décision sur le signalement ${avis.reference}`,
    date: avis.decidedAt,
  });

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

  return finish(
    'Avis adressé en application de l’article 40-2 du code de procédure pénale. ' +
      (avis.kind === 'DISMISSAL'
        ? 'La décision de classement sans suite peut faire l’objet d’un recours auprès du procureur général (article 40-3). '
        : '') +
      'Ce document est généré par infoParquet à partir des données enregistrées ; le régénérer donne le même document.',
  );
}
