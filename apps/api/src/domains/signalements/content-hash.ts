import { createHash } from 'node:crypto';
import type { Signalement } from '@infoparquet/db';
import { canonicalJson } from '../../lib/canonical-json.js';

/**
 * Ce que l'administration a transmis, figé : la référence, l'instant, les deux parties et tout
 * le contenu saisi. L'empreinte SHA-256 de ce JSON canonique est le `contentHash` du signalement,
 * reprise sur l'accusé de réception : recalculée plus tard, elle prouve que rien n'a changé.
 */
export function frozenContent(
  signalement: Pick<
    Signalement,
    | 'title'
    | 'facts'
    | 'factsDate'
    | 'factsFrom'
    | 'factsTo'
    | 'places'
    | 'natinfCodes'
    | 'persons'
    | 'externalReference'
    | 'urgent'
    | 'urgencyReason'
    | 'urgencyDetail'
  >,
  envelope: { reference: string; transmittedAt: Date; administrationCode: string; parquetCode: string },
) {
  return {
    reference: envelope.reference,
    transmittedAt: envelope.transmittedAt.toISOString(),
    administration: envelope.administrationCode,
    parquet: envelope.parquetCode,
    title: signalement.title,
    facts: signalement.facts,
    factsDate: signalement.factsDate,
    factsFrom: signalement.factsFrom?.toISOString().slice(0, 10) ?? null,
    factsTo: signalement.factsTo?.toISOString().slice(0, 10) ?? null,
    places: signalement.places,
    natinfCodes: signalement.natinfCodes,
    persons: signalement.persons,
    externalReference: signalement.externalReference,
    urgent: signalement.urgent,
    urgencyReason: signalement.urgencyReason,
    urgencyDetail: signalement.urgencyDetail,
  };
}

export function contentHash(content: ReturnType<typeof frozenContent>): string {
  return createHash('sha256').update(canonicalJson(content)).digest('hex');
}
