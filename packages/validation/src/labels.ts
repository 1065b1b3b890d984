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
