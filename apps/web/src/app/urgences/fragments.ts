import { graphql } from '@/graphql/graphql';

/** Ce qu'affiche la file d'urgence pour un signalement (partagé par la page serveur et le client). */
export const UrgentItemFragment = graphql(`
  fragment UrgentItem on Signalement {
    id
    reference
    title
    urgencyReason
    urgencyDetail
    transmittedAt
    administration { name }
  }
`);
