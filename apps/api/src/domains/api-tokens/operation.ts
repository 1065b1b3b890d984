import { getOperationAST, Kind, parse, type DocumentNode, type SelectionSetNode } from 'graphql';
import type { TokenUse } from './authenticate.js';

/** Au-delà, le document est refusé de toute façon par les limites de l'API : inutile de l'analyser. */
const MAX_TOKENS = 10_000;
const MAX_LABEL = 200;

/** Les champs racine d'une opération, y compris ceux écrits dans des fragments. */
function rootFields(document: DocumentNode, selectionSet: SelectionSetNode, seen = new Set<string>()): string[] {
  const fields: string[] = [];
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) fields.push(selection.name.value);
    else if (selection.kind === Kind.INLINE_FRAGMENT) fields.push(...rootFields(document, selection.selectionSet, seen));
    else if (!seen.has(selection.name.value)) {
      seen.add(selection.name.value);
      const fragment = document.definitions.find(
        (definition) => definition.kind === Kind.FRAGMENT_DEFINITION && definition.name.value === selection.name.value,
      );
      if (fragment?.kind === Kind.FRAGMENT_DEFINITION) fields.push(...rootFields(document, fragment.selectionSet, seen));
    }
  }
  return fields;
}

/**
 * Ce que fait une requête GraphQL faite avec un jeton d'API : une mutation exige la portée WRITE,
 * une requête ou un abonnement la portée READ. Un document illisible est compté comme une lecture :
 * il sera refusé ensuite par la validation, avec son erreur habituelle.
 */
export function graphqlUse(params: { query?: string | null; operationName?: string | null } | null | undefined): TokenUse {
  try {
    const document = parse(params?.query ?? '', { noLocation: true, maxTokens: MAX_TOKENS });
    const operation = getOperationAST(document, params?.operationName ?? undefined);
    if (operation) {
      const fields = [...new Set(rootFields(document, operation.selectionSet))];
      const label = `${operation.operation} ${operation.name?.value ?? fields.join(',')}`.slice(0, MAX_LABEL);
      return { scope: operation.operation === 'mutation' ? 'WRITE' : 'READ', operation: label, fields };
    }
  } catch {
    // Document illisible : voir plus haut.
  }
  return { scope: 'READ', operation: 'document GraphQL illisible' };
}
