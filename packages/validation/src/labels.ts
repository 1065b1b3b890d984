/** Les libellés français des statuts, les mêmes dans les messages d'erreur de l'API et à l'écran. */
export const STATUS_LABELS = {
  DRAFT: 'Brouillon',
  TRANSMITTED: 'Transmis',
  WITHDRAWN: 'Retiré',
  REGISTERED: 'Enregistré',
  IN_PROGRESS: 'En cours',
  INFORMATION_REQUESTED: 'Renseignements demandés',
  DECIDED: 'Décidé',
  CLOSED: 'Clôturé',
} as const;

export type StatusCode = keyof typeof STATUS_LABELS;

/** Les décisions du procureur (art. 40-1), telles que les lisent l'administration et le parquet. */
export const DECISION_KIND_LABELS = {
  PROSECUTION: 'Poursuites engagées',
  ALTERNATIVE_MEASURE: 'Alternative aux poursuites',
  JUDICIAL_INVESTIGATION: 'Information judiciaire ouverte',
  DISMISSAL: 'Classement sans suite',
} as const;
