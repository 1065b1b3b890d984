import { GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { MalformedRequestError, PayloadTooLargeError } from './errors.js';
import { MAX_BODY_BYTES } from './limits.js';

/**
 * Avant l'analyse du document, deux contrôles sur la requête HTTP elle-même :
 * - la taille du corps : refusée (413, PAYLOAD_TOO_LARGE) d'après Content-Length quand il est
 *   donné, sinon en comptant les octets à mesure qu'ils arrivent (corps envoyé par morceaux) : rien
 *   au-delà de la limite n'est lu ni gardé en mémoire. C'est la mécanique de `maxRequestBodySize`
 *   de Yoga, avec notre limite, notre code et notre message : celle de Yoga est coupée (app.ts),
 *   elle aurait recopié chaque corps une seconde fois pour une limite plus haute ;
 * - une requête que Yoga ne sait pas lire sans lever d'exception (par exemple `variables` ou
 *   `extensions` d'un GET qui ne sont pas du JSON) : 400 BAD_REQUEST au lieu d'une erreur interne.
 */
export function useRequestLimits(maxBytes = MAX_BODY_BYTES): Plugin {
  return {
    onRequestParse({ request, requestParser, setRequestParser, fetchAPI }) {
      const contentLength = request.headers.get('content-length');
      const declared = contentLength !== null && /^\d+$/.test(contentLength);
      if (declared && Number(contentLength) > maxBytes) throw new PayloadTooLargeError();
      if (!requestParser) return;
      const parse = requestParser;
      setRequestParser(async (original) => {
        try {
          // Un corps annoncé par Content-Length n'en dépasse pas la longueur (le serveur HTTP de Node
          // n'en lit pas plus) : déjà vérifié, il est lu tel quel. Sans lui, il est compté en chemin.
          return await parse(original.body && !declared ? limitBody(original, maxBytes, fetchAPI) : original);
        } catch (error) {
          if (error instanceof GraphQLError) throw error;
          throw new MalformedRequestError();
        }
      });
    },
  };
}

function limitBody(request: Request, maxBytes: number, fetchAPI: { Request: typeof Request; TransformStream: typeof TransformStream }): Request {
  const body = request.body!;
  // Un corps natif ne se branche que sur un TransformStream natif (graphql-yoga#4583).
  const Transform = body instanceof ReadableStream ? globalThis.TransformStream : fetchAPI.TransformStream;
  let received = 0;
  const limited = body.pipeThrough(
    new Transform<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        received += chunk.byteLength;
        if (received > maxBytes) controller.error(new PayloadTooLargeError());
        else controller.enqueue(chunk);
      },
    }),
  );
  return new fetchAPI.Request(request.url, {
    method: request.method,
    headers: request.headers,
    signal: request.signal,
    body: limited,
    duplex: 'half',
  } as RequestInit);
}
