import {
  getNamedType,
  getNullableType,
  isCompositeType,
  isListType,
  isObjectType,
  isInterfaceType,
  Kind,
  type ASTVisitor,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValidationContext,
} from 'graphql';
import { LIST_COST_FACTOR, PAGE_MAX } from './limits.js';

/**
 * Le coût d'une opération : une estimation, dans le pire cas, du nombre de valeurs qu'elle peut
 * renvoyer.
 * - chaque champ vaut 1 ;
 * - la sélection d'un champ qui a un argument `first` compte `first` fois ; un `first` passé par
 *   variable compte pour PAGE_MAX, son maximum : le coût ne dépend que du document, si bien que le
 *   cache de validation de Yoga reste juste ;
 * - la sélection d'une autre liste (historique, messages…) compte LIST_COST_FACTOR fois, sauf les
 *   `edges` d'une connexion, déjà comptés par le `first` de la connexion ;
 * - un fragment compte là où il est utilisé (calculé une fois par fragment : un document qui
 *   répète des fragments imbriqués a bien un coût exponentiel, sans coûter autant à calculer) ;
 * - l'introspection (`__schema`, `__type`) ne compte pas : elle est bornée par la profondeur et
 *   coupée en production.
 *
 * Le `costLimit` de graphql-armor ne lit `first` que littéral : il ne voit pas les pages passées par
 * variable, la façon normale de paginer ; d'où cette règle, sur son modèle.
 */
export function operationCost(schema: GraphQLSchema, operation: OperationDefinitionNode, fragments: Map<string, FragmentDefinitionNode>): number {
  const root =
    operation.operation === 'query' ? schema.getQueryType() : operation.operation === 'mutation' ? schema.getMutationType() : schema.getSubscriptionType();
  const fragmentCosts = new Map<string, number>();
  const inProgress = new Set<string>();

  const selectionCost = (selectionSet: SelectionSetNode, parent: GraphQLCompositeType | null | undefined): number => {
    let total = 0;
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        const name = selection.name.value;
        if (name === '__schema' || name === '__type') continue;
        total += 1;
        if (!selection.selectionSet) continue;
        const field = fieldOf(parent, name);
        const type = field ? getNullableType(field.type) : undefined;
        const child = field ? getNamedType(field.type) : undefined;
        total += multiplier(selection.arguments ?? [], type, parent) * selectionCost(selection.selectionSet, child && isCompositeType(child) ? child : null);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const condition = selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : parent;
        total += selectionCost(selection.selectionSet, condition && isCompositeType(condition) ? condition : null);
      } else {
        total += fragmentCost(selection.name.value);
      }
    }
    return total;
  };

  const fragmentCost = (name: string): number => {
    const known = fragmentCosts.get(name);
    if (known !== undefined) return known;
    const fragment = fragments.get(name);
    // Fragment inconnu ou cycle : d'autres règles de validation le signalent déjà.
    if (!fragment || inProgress.has(name)) return 0;
    inProgress.add(name);
    const condition = schema.getType(fragment.typeCondition.name.value);
    const cost = selectionCost(fragment.selectionSet, condition && isCompositeType(condition) ? condition : null);
    inProgress.delete(name);
    fragmentCosts.set(name, cost);
    return cost;
  };

  return selectionCost(operation.selectionSet, root);
}

function fieldOf(parent: GraphQLCompositeType | null | undefined, name: string): GraphQLField<unknown, unknown> | undefined {
  return parent && (isObjectType(parent) || isInterfaceType(parent)) ? parent.getFields()[name] : undefined;
}

function multiplier(
  args: readonly { name: { value: string }; value: { kind: Kind; value?: unknown } }[],
  type: ReturnType<typeof getNullableType> | undefined,
  parent: GraphQLCompositeType | null | undefined,
): number {
  const first = args.find((arg) => arg.name.value === 'first');
  if (first) {
    // Hors bornes, le résolveur refuse `first` (BAD_USER_INPUT) : le coût reste celui du maximum.
    const literal = first.value.kind === Kind.INT ? Number(first.value.value) : PAGE_MAX;
    return Math.min(Math.max(literal, 1), PAGE_MAX);
  }
  if (type && isListType(type)) return parent?.name.endsWith('Connection') ? 1 : LIST_COST_FACTOR;
  return 1;
}

/** La règle de validation : refuse une opération dont le coût dépasse `maxCost`. */
export function costLimitRule(maxCost: number, report: (context: ValidationContext, cost: number) => void) {
  return (context: ValidationContext): ASTVisitor => {
    const fragments = new Map<string, FragmentDefinitionNode>();
    for (const definition of context.getDocument().definitions) {
      if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
    }
    return {
      OperationDefinition(operation) {
        const cost = operationCost(context.getSchema(), operation, fragments);
        if (cost > maxCost) report(context, cost);
      },
    };
  };
}
