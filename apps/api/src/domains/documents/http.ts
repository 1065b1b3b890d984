import type { IncomingMessage, ServerResponse } from 'node:http';
import { createContext, type ContextDeps } from '../../context.js';
import { AppError } from '../../errors.js';
import { internalId } from '../../lib/global-id.js';
import { DOCUMENTS_PREFIX, PROOF_OF_DEPOSIT_PATH } from './paths.js';
import { renderProofOfDeposit } from './proof-of-deposit.js';
import { loadProofOfDeposit, recordDocumentDownload } from './repository.js';

/**
 * Les documents PDF, servis hors GraphQL sur le même port que l'API :
 * `GET /documents/signalements/<identifiant global>/accuse-de-reception.pdf`. Authentifiés comme
 * GraphQL (jeton Bearer ou cookie de session), dans le périmètre du demandeur, chaque
 * téléchargement consigné au journal.
 */
const HTTP_STATUS: Record<string, number> = {
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
};

function sendJson(res: ServerResponse, status: number, code: string, error: string, headers: Record<string, string> = {}) {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers });
  res.end(JSON.stringify({ error, code }));
}

/** Nom de fichier sûr : ASCII, sans guillemet ni séparateur de chemin. */
function attachmentName(reference: string): string {
  return `accuse-de-reception-${reference.replace(/[^A-Za-z0-9-]/g, '_')}.pdf`;
}

/**
 * Le routeur des documents : renvoie `false` si la requête n'est pas pour lui (elle va alors à
 * Yoga), sinon la traite entièrement.
 */
export function createDocumentRoutes(deps: ContextDeps) {
  async function serveProofOfDeposit(req: IncomingMessage, res: ServerResponse, globalId: string) {
    const headers = { get: (name: string) => headerValue(req, name) };
    const context = await createContext(deps, headers.get('authorization'), { headers });
    if (!context.viewer) {
      sendJson(res, 401, 'UNAUTHENTICATED', 'Authentification requise : connectez-vous ou fournissez un jeton valide.', {
        'www-authenticate': 'Bearer',
      });
      return;
    }
    let decoded: string;
    try {
      decoded = decodeURIComponent(globalId);
    } catch {
      decoded = '';
    }
    const loaded = await loadProofOfDeposit(deps.prisma, context.viewer, internalId(decoded, 'Signalement') ?? '');
    const pdf = await renderProofOfDeposit(loaded.deposit, loaded.pieces);
    await recordDocumentDownload(deps.prisma, context.viewer, loaded.signalement, 'PROOF_OF_DEPOSIT');
    res.writeHead(200, {
      'content-type': 'application/pdf',
      'content-length': String(pdf.length),
      'content-disposition': `attachment; filename="${attachmentName(loaded.deposit.reference)}"`,
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
    });
    res.end(req.method === 'HEAD' ? undefined : pdf);
  }

  async function handle(req: IncomingMessage, res: ServerResponse, pathname: string) {
    const match = PROOF_OF_DEPOSIT_PATH.exec(pathname);
    if (!match) {
      sendJson(res, 404, 'NOT_FOUND', 'Document introuvable.');
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      sendJson(res, 405, 'METHOD_NOT_ALLOWED', 'Méthode non permise : utilisez GET.', { allow: 'GET, HEAD' });
      return;
    }
    try {
      await serveProofOfDeposit(req, res, match[1]!);
    } catch (error) {
      if (error instanceof AppError) {
        const code = String(error.extensions.code);
        sendJson(res, HTTP_STATUS[code] ?? 400, code, error.message);
        return;
      }
      console.error('Document : erreur inattendue', error);
      if (!res.headersSent) sendJson(res, 500, 'INTERNAL_SERVER_ERROR', 'Erreur interne : le document n’a pas pu être produit. Réessayez ; si le problème persiste, signalez-le.');
      else res.destroy();
    }
  }

  return function routeDocuments(req: IncomingMessage, res: ServerResponse): boolean {
    const pathname = (req.url ?? '/').split('?')[0]!;
    if (!pathname.startsWith(DOCUMENTS_PREFIX)) return false;
    void handle(req, res, pathname);
    return true;
  };
}

function headerValue(req: IncomingMessage, name: string): string | null {
  const value = req.headers[name.toLowerCase()];
  if (value === undefined) return null;
  return Array.isArray(value) ? value.join(', ') : value;
}
