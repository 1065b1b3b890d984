import { getOperationAST } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { ExecutionTimeoutError } from './errors.js';

/**
 * Interrompt une lecture (query) qui dure plus de `timeoutMs` : l'exécuteur de Yoga cesse de lancer
 * des résolveurs dès que le signal tombe et la réponse est une erreur EXECUTION_TIMEOUT (HTTP 503).
 * Les requêtes SQL déjà parties finissent, leurs résultats sont jetés.
 *
 * Les mutations n'y sont pas soumises : une écriture peut être validée en base quand le délai
 * tombe, et l'annoncer échouée pousserait le client à la refaire. Elles sont bornées par le délai
 * de leur transaction. Les abonnements durent par nature.
 */
export function useExecutionTimeout(timeoutMs: number): Plugin {
  return {
    onExecute({ args }) {
      if (getOperationAST(args.document, args.operationName)?.operation !== 'query') return;
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(new ExecutionTimeoutError(timeoutMs)), timeoutMs);
      // Une exécution qui échoue ne passe pas par onExecuteDone : le minuteur ne retient pas le processus.
      timer.unref();
      const withSignal = args as typeof args & { signal?: AbortSignal };
      withSignal.signal = withSignal.signal ? AbortSignal.any([withSignal.signal, controller.signal]) : controller.signal;
      return {
        onExecuteDone() {
          clearTimeout(timer);
        },
      };
    },
  };
}
