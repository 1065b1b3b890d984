import { Kind, visit, type DocumentNode, type ValueNode } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { FieldIssue } from '../errors.js';
import { NulCharacterError } from './errors.js';

/**
 * Le caractère nul (U+0000) est refusé partout dans les saisies, variables comme littéraux du
 * document (BAD_USER_INPUT, avec le chemin du champ) : PostgreSQL ne peut pas le ranger dans un
 * texte, et l'écriture échouait en erreur interne (trouvé par le fuzz).
 */
export function useNoNulCharacter(): Plugin {
  // Yoga rend le même document analysé pour le même texte : ses littéraux ne sont parcourus qu'une fois.
  const literals = new WeakMap<DocumentNode, FieldIssue[]>();
  const literalIssuesOf = (document: DocumentNode) => {
    let issues = literals.get(document);
    if (!issues) literals.set(document, (issues = literalIssues(document)));
    return issues;
  };
  const refuse = (document: DocumentNode, variables: unknown) => {
    const issues = [...literalIssuesOf(document), ...valueIssues(variables, [])];
    return issues.length > 0 ? { errors: [new NulCharacterError(issues)] } : null;
  };
  return {
    onExecute({ args, setResultAndStopExecution }) {
      const refused = refuse(args.document, args.variableValues);
      if (refused) setResultAndStopExecution(refused);
    },
    onSubscribe({ args, setResultAndStopExecution }) {
      const refused = refuse(args.document, args.variableValues);
      if (refused) setResultAndStopExecution(refused);
    },
  };
}

const ISSUE = 'Caractère nul (U+0000) interdit.';

function valueIssues(value: unknown, path: (string | number)[]): FieldIssue[] {
  if (typeof value === 'string') return value.includes('\u0000') ? [{ field: path.join('.'), message: ISSUE }] : [];
  if (Array.isArray(value)) return value.flatMap((item, index) => valueIssues(item, [...path, index]));
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([key, item]) => valueIssues(item, [...path, key]));
  return [];
}

function literalIssues(document: DocumentNode): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const scan = (node: ValueNode, path: (string | number)[]) => {
    if (node.kind === Kind.STRING) {
      if (node.value.includes('\u0000')) issues.push({ field: path.join('.'), message: ISSUE });
    } else if (node.kind === Kind.LIST) {
      node.values.forEach((item, index) => scan(item, [...path, index]));
    } else if (node.kind === Kind.OBJECT) {
      for (const field of node.fields) scan(field.value, [...path, field.name.value]);
    }
  };
  visit(document, {
    Argument: (node) => scan(node.value, [node.name.value]),
    VariableDefinition: (node) => {
      if (node.defaultValue) scan(node.defaultValue, [node.variable.name.value]);
    },
  });
  return issues;
}
