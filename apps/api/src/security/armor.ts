import { EnvelopArmor } from '@escape.tech/graphql-armor';
import { getNamedType, isIntrospectionType, type ASTVisitor, type ValidationContext } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { costLimitRule } from './cost.js';
import { IntrospectionDisabledError, QueryTooComplexError, type DocumentLimit } from './errors.js';
import { MAX_ALIASES, MAX_COST, MAX_DEPTH, MAX_DIRECTIVES, MAX_TOKENS } from './limits.js';

/**
 * Les limites des documents, vérifiées à l'analyse et à la validation (donc avant toute exécution,
 * en HTTP comme en WebSocket, qui passe par la même enveloppe) : profondeur, alias, directives et
 * jetons par graphql-armor, coût par notre règle (cost.ts). Chaque refus est une erreur
 * QUERY_TOO_COMPLEX qui dit quelle limite et sa valeur.
 */
export function documentLimitPlugins(): Plugin[] {
  // Armor signale chaque dépassement par onReject ; on remplace son erreur par la nôtre.
  const reportAs =
    (limit: DocumentLimit) =>
    (context: ValidationContext | null): void => {
      const error = new QueryTooComplexError(limit);
      // Les jetons sont comptés pendant l'analyse, sans contexte de validation : on interrompt l'analyse.
      if (!context) throw error;
      context.reportError(error);
    };
  const armor = new EnvelopArmor({
    maxTokens: { n: MAX_TOKENS, onReject: [reportAs('tokens')], propagateOnRejection: false },
    maxDepth: { n: MAX_DEPTH, onReject: [reportAs('depth')], propagateOnRejection: false },
    maxAliases: { n: MAX_ALIASES, allowList: [], onReject: [reportAs('aliases')], propagateOnRejection: false },
    maxDirectives: { n: MAX_DIRECTIVES, onReject: [reportAs('directives')], propagateOnRejection: false },
    // Le coût d'armor ignore les `first` passés par variable (voir cost.ts) ; les suggestions sont
    // masquées par useNoSuggestions, qui couvre aussi l'exécution.
    costLimit: { enabled: false },
    blockFieldSuggestion: { enabled: false },
  });
  const cost = costLimitRule(MAX_COST, (context, found) => context.reportError(new QueryTooComplexError('cost', found)));
  return [
    ...(armor.protect().plugins as Plugin[]),
    {
      onValidate({ addValidationRule }) {
        addValidationRule(cost);
      },
    },
  ];
}

/** Refuse `__schema` et `__type` (mais pas `__typename`) : l'introspection coupée en production. */
export function useNoIntrospection(): Plugin {
  const rule = (context: ValidationContext): ASTVisitor => ({
    Field(node) {
      const type = context.getType();
      if (type && isIntrospectionType(getNamedType(type))) {
        context.reportError(new IntrospectionDisabledError());
        // Une seule erreur par champ d'introspection, pas une par sous-champ.
        return false;
      }
      return undefined;
    },
  });
  return {
    onValidate({ addValidationRule }) {
      addValidationRule(rule);
    },
  };
}

const SUGGESTION = /\s*Did you mean [^?]*\?/g;

/**
 * Retire les « Did you mean … ? » de graphql-js, qui dévoilent des noms du schéma quand
 * l'introspection est coupée : à la validation (champs, arguments, types, valeurs d'énumération
 * écrites dans le document) comme à l'exécution (valeurs des variables). Le greffon d'armor ne
 * couvre que la validation et pas les valeurs d'énumération.
 */
export function useNoSuggestions(): Plugin {
  const strip = (errors: readonly { message: string }[] | undefined) => {
    for (const error of errors ?? []) error.message = error.message.replace(SUGGESTION, '');
  };
  return {
    onValidate() {
      return ({ result }) => strip(result);
    },
    onExecute() {
      return {
        onExecuteDone({ result }) {
          if ('errors' in result) strip(result.errors);
        },
      };
    },
  };
}
