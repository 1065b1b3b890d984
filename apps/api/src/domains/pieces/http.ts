import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { encodeGlobalID } from '@pothos/plugin-relay';
import type { ContextDeps } from '../../context.js';
import { internalId } from '../../lib/global-id.js';
import type { Viewer } from '../auth/sessions.js';
import { authenticate, decodeSegment, sendAppError, sendJson, splitUrl } from '../documents/http-common.js';
import { PIECE_PATH, piecePath, PIECES_ARCHIVE_PATH, PIECES_UPLOAD_PATH } from '../documents/paths.js';
import { findVisibleSignalement } from '../signalements/repository.js';
import { contentDisposition, uniqueArchiveNames } from './filename.js';
import { assertMayAddPieces, assertMayAttachTo } from './permissions.js';
import { findTargetMessage, findVisiblePiece, insertPieces, listVisiblePieces, recordPieceDownload } from './repository.js';
import { pieceStorage } from './storage.js';
import { receivePieces, UploadRefusal } from './upload.js';

/**
 * Les pièces jointes, servies hors GraphQL sur le port de l'API (et relayées par le web au même
 * chemin), authentifiées comme les documents PDF :
 * - `POST /documents/signalements/<id>/pieces` : multipart/form-data, un ou plusieurs champs
 *   `file`, et un champ `message` facultatif (identifiant d'un message du signalement) placé
 *   avant les fichiers → 201 et les pièces créées ;
 * - `GET /documents/pieces/<id>` : une pièce, en flux, toujours en `application/octet-stream` ;
 * - `GET /documents/signalements/<id>/pieces.zip` : toutes les pièces visibles, en une archive.
 * Chaque dépôt et chaque téléchargement est consigné au journal.
 */

/** Les en-têtes de tout téléchargement : jamais interprété par le navigateur, jamais mis en cache. */
const DOWNLOAD_HEADERS = {
  'content-type': 'application/octet-stream',
  'x-content-type-options': 'nosniff',
  'cache-control': 'no-store',
  'content-security-policy': "default-src 'none'; sandbox",
} as const;

function pieceJson(piece: { id: string; filename: string; size: bigint; sha256: string; createdAt: Date; addedAfterTransmission: boolean }) {
  return {
    id: encodeGlobalID('Piece', piece.id),
    filename: piece.filename,
    size: piece.size.toString(),
    sha256: piece.sha256,
    createdAt: piece.createdAt.toISOString(),
    addedAfterTransmission: piece.addedAfterTransmission,
    downloadPath: piecePath(piece.id),
  };
}

export function createPieceRoutes(deps: ContextDeps) {
  const storage = pieceStorage(deps.env);

  /**
   * Répond à un envoi dont le corps n'a pas été lu jusqu'au bout, puis ferme la connexion : on ne
   * lit pas un gigaoctet pour le jeter. Le client reçoit la réponse avant la fermeture.
   */
  function refuseUpload(req: IncomingMessage, res: ServerResponse, send: (headers: Record<string, string>) => void) {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    send(req.complete ? {} : { connection: 'close' });
  }

  async function upload(req: IncomingMessage, res: ServerResponse, globalId: string) {
    const viewer = await authenticate(deps, req, res, { connection: 'close' });
    if (!viewer) return;
    const signalement = await findVisibleSignalement(deps.prisma, viewer, internalId(decodeSegment(globalId), 'Signalement') ?? '');
    assertMayAddPieces(viewer, signalement);
    const received = await receivePieces(req, {
      storage,
      maxBytes: deps.env.PIECE_MAX_BYTES,
      // Les champs précèdent les fichiers : le message visé est vérifié avant qu'un octet ne soit écrit.
      beforeFirstFile: async (fields) => {
        assertMayAttachTo(viewer, await findTargetMessage(deps.prisma, signalement.id, fields.message));
      },
    });
    let created;
    try {
      created = await insertPieces(deps.prisma, viewer, signalement.id, received.fields.message, received.pieces);
    } catch (error) {
      // Rien d'enregistré : les fichiers écrits pour cet envoi s'en vont aussi.
      await Promise.all(received.pieces.map((piece) => storage.remove(piece.storageKey).catch(() => undefined)));
      throw error;
    }
    await deps.realtime.journalAdvanced();
    res.writeHead(201, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
    res.end(JSON.stringify({ pieces: created.map(pieceJson) }));
  }

  async function download(req: IncomingMessage, res: ServerResponse, viewer: Viewer, globalId: string) {
    const piece = await findVisiblePiece(deps.prisma, viewer, internalId(decodeSegment(globalId), 'Piece') ?? '');
    const { stream, size } = await storage.read(piece.storageKey);
    if (req.method === 'HEAD') stream.destroy();
    else {
      await recordPieceDownload(deps.prisma, viewer, piece.signalement, { piece });
      await deps.realtime.journalAdvanced();
    }
    res.writeHead(200, { ...DOWNLOAD_HEADERS, 'content-length': String(size), 'content-disposition': contentDisposition(piece.filename) });
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    await pipeline(stream, res);
  }

  async function downloadArchive(req: IncomingMessage, res: ServerResponse, viewer: Viewer, globalId: string) {
    const signalement = await findVisibleSignalement(deps.prisma, viewer, internalId(decodeSegment(globalId), 'Signalement') ?? '');
    const pieces = await listVisiblePieces(deps.prisma, viewer, signalement.id);
    const name = `pieces-${(signalement.reference ?? 'brouillon').replace(/[^A-Za-z0-9-]/g, '_')}.zip`;
    const headers = { ...DOWNLOAD_HEADERS, 'content-type': 'application/zip', 'content-disposition': `attachment; filename="${name}"` };
    if (req.method === 'HEAD') {
      res.writeHead(200, headers);
      res.end();
      return;
    }
    await recordPieceDownload(deps.prisma, viewer, signalement, { archive: pieces });
    await deps.realtime.journalAdvanced();
    const names = uniqueArchiveNames(pieces.map((piece) => piece.filename));
    // Chaque fichier n'est ouvert qu'à son tour, quand l'archive en est là.
    const entries = pieces.map((piece, index) => ({
      name: names[index]!,
      date: piece.createdAt,
      open: () => storage.read(piece.storageKey).then(({ stream }) => stream as Readable),
    }));
    // archiver n'est chargé qu'au premier ZIP : quelque 8 Mo de moins pour un processus qui n'en sert pas.
    const { zipArchive } = await import('./archive.js');
    res.writeHead(200, headers);
    await pipeline(zipArchive(entries), res);
  }

  async function handle(req: IncomingMessage, res: ServerResponse, pathname: string) {
    const uploadMatch = PIECES_UPLOAD_PATH.exec(pathname);
    const archiveMatch = PIECES_ARCHIVE_PATH.exec(pathname);
    const pieceMatch = PIECE_PATH.exec(pathname);
    try {
      if (uploadMatch) {
        if (req.method !== 'POST') {
          sendJson(res, 405, 'METHOD_NOT_ALLOWED', 'Méthode non permise : utilisez POST.', { allow: 'POST', connection: 'close' });
          return;
        }
        await upload(req, res, uploadMatch[1]!);
        return;
      }
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        sendJson(res, 405, 'METHOD_NOT_ALLOWED', 'Méthode non permise : utilisez GET.', { allow: 'GET, HEAD', connection: 'close' });
        return;
      }
      const viewer = await authenticate(deps, req, res);
      if (!viewer) return;
      if (archiveMatch) await downloadArchive(req, res, viewer, archiveMatch[1]!);
      else await download(req, res, viewer, pieceMatch![1]!);
    } catch (error) {
      if (error instanceof UploadRefusal) {
        refuseUpload(req, res, (headers) => sendJson(res, error.status, error.code, error.message, headers));
        return;
      }
      if (!res.headersSent) {
        if (uploadMatch) {
          if (sendAppError(res, error, req.complete ? {} : { connection: 'close' })) return;
        } else if (sendAppError(res, error)) {
          return;
        }
      }
      if (isClientGone(error)) return;
      console.error('Pièces : erreur inattendue', error);
      if (!res.headersSent) {
        sendJson(res, 500, 'INTERNAL_SERVER_ERROR', 'Erreur interne : l’opération sur les pièces n’a pas abouti. Réessayez ; si le problème persiste, signalez-le.', {
          connection: 'close',
        });
      } else {
        res.destroy();
      }
    }
  }

  /** Le routeur des pièces : `false` si la requête n'est pas pour lui (documents PDF, GraphQL). */
  return function routePieces(req: IncomingMessage, res: ServerResponse): boolean {
    const { pathname } = splitUrl(req.url);
    if (!PIECES_UPLOAD_PATH.test(pathname) && !PIECES_ARCHIVE_PATH.test(pathname) && !PIECE_PATH.test(pathname)) return false;
    void handle(req, res, pathname);
    return true;
  };
}

/** Le client a fermé la connexion pendant un téléchargement : rien à lui répondre. */
function isClientGone(error: unknown): boolean {
  const code = (error as { code?: string } | null)?.code;
  return code === 'ERR_STREAM_PREMATURE_CLOSE' || code === 'ECONNRESET' || code === 'EPIPE';
}
