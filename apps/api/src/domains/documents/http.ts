import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ContextDeps } from '../../context.js';
import { internalId } from '../../lib/global-id.js';
import { renderAvisDeDecision } from './avis-de-decision.js';
import { authenticate as authenticateRequest, decodeSegment, sendAppError, sendJson, splitUrl } from './http-common.js';
import { AVIS_DE_DECISION_PATH, DOCUMENTS_PREFIX, PROOF_OF_DEPOSIT_PATH } from './paths.js';
import { renderProofOfDeposit } from './proof-of-deposit.js';
import { loadAvisDeDecision, loadProofOfDeposit, recordAvisDownload, recordDocumentDownload } from './repository.js';

/**
 * Les documents PDF, servis hors GraphQL sur le même port que l'API :
 * `GET /documents/signalements/<identifiant global>/accuse-de-reception.pdf` et
 * `…/avis-de-decision.pdf` (option `?decision=<identifiant>` pour l'avis d'une décision remplacée
 * depuis par une réouverture). Authentifiés comme
 * GraphQL (jeton Bearer ou cookie de session), dans le périmètre du demandeur, chaque
 * téléchargement consigné au journal. Les pièces jointes ont leurs routes (pieces/http.ts).
 */

/** Nom de fichier sûr : ASCII, sans guillemet ni séparateur de chemin. */
function attachmentName(document: 'accuse-de-reception' | 'avis-de-decision', reference: string): string {
  return `${document}-${reference.replace(/[^A-Za-z0-9-]/g, '_')}.pdf`;
}

/**
 * Le routeur des documents : renvoie `false` si la requête n'est pas pour lui (elle va alors à
 * Yoga), sinon la traite entièrement.
 */
export function createDocumentRoutes(deps: ContextDeps) {
  const authenticate = (req: IncomingMessage, res: ServerResponse) => authenticateRequest(deps, req, res);

  function sendPdf(req: IncomingMessage, res: ServerResponse, pdf: Buffer, filename: string) {
    res.writeHead(200, {
      'content-type': 'application/pdf',
      'content-length': String(pdf.length),
      'content-disposition': `attachment; filename="${filename}"`,
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
    });
    res.end(req.method === 'HEAD' ? undefined : pdf);
  }

  async function serveProofOfDeposit(req: IncomingMessage, res: ServerResponse, globalId: string) {
    const viewer = await authenticate(req, res);
    if (!viewer) return;
    const loaded = await loadProofOfDeposit(deps.prisma, viewer, internalId(decodeSegment(globalId), 'Signalement') ?? '');
    const pdf = await renderProofOfDeposit(loaded.deposit, loaded.pieces);
    await recordDocumentDownload(deps.prisma, viewer, loaded.signalement, 'PROOF_OF_DEPOSIT');
    await deps.realtime.journalAdvanced();
    sendPdf(req, res, pdf, attachmentName('accuse-de-reception', loaded.deposit.reference));
  }

  async function serveAvisDeDecision(req: IncomingMessage, res: ServerResponse, globalId: string, query: URLSearchParams) {
    const viewer = await authenticate(req, res);
    if (!viewer) return;
    const decisionId = query.get('decision') ?? undefined;
    const loaded = await loadAvisDeDecision(deps.prisma, viewer, internalId(decodeSegment(globalId), 'Signalement') ?? '', decisionId);
    const pdf = await renderAvisDeDecision(loaded.avis);
    // Consigné (et première lecture notée) avant l'envoi ; un HEAD, qui ne transmet rien, n'est pas une lecture.
    if (req.method === 'HEAD') {
      await recordDocumentDownload(deps.prisma, viewer, loaded.signalement, 'AVIS_DE_DECISION', async () => ({ decisionId: loaded.decisionId }));
    } else {
      await recordAvisDownload(deps.prisma, viewer, loaded);
    }
    await deps.realtime.journalAdvanced();
    sendPdf(req, res, pdf, attachmentName('avis-de-decision', loaded.avis.reference));
  }

  async function handle(req: IncomingMessage, res: ServerResponse, pathname: string, query: URLSearchParams) {
    const proof = PROOF_OF_DEPOSIT_PATH.exec(pathname);
    const avis = AVIS_DE_DECISION_PATH.exec(pathname);
    if (!proof && !avis) {
      sendJson(res, 404, 'NOT_FOUND', 'Document introuvable.');
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      sendJson(res, 405, 'METHOD_NOT_ALLOWED', 'Méthode non permise : utilisez GET.', { allow: 'GET, HEAD' });
      return;
    }
    try {
      if (proof) await serveProofOfDeposit(req, res, proof[1]!);
      else await serveAvisDeDecision(req, res, avis![1]!, query);
    } catch (error) {
      if (sendAppError(res, error)) return;
      console.error('Document : erreur inattendue', error);
      if (!res.headersSent) sendJson(res, 500, 'INTERNAL_SERVER_ERROR', 'Erreur interne : le document n’a pas pu être produit. Réessayez ; si le problème persiste, signalez-le.');
      else res.destroy();
    }
  }

  return function routeDocuments(req: IncomingMessage, res: ServerResponse): boolean {
    const { pathname, query } = splitUrl(req.url);
    if (!pathname.startsWith(DOCUMENTS_PREFIX)) return false;
    void handle(req, res, pathname, query);
    return true;
  };
}
