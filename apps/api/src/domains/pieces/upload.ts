import { createHash, type Hash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { Transform, type Readable, type TransformCallback } from 'node:stream';
import busboy from 'busboy';
import { checkFilename, unescapeMultipartFilename } from './filename.js';
import { formatBytes } from './format.js';
import { newStorageKey, type PieceStorage } from './storage.js';

/**
 * La réception des pièces d'un envoi multipart/form-data, en flux : chaque partie `file` passe
 * par un compteur qui calcule le SHA-256 et la taille au passage, puis va droit au stockage.
 * Rien n'est gardé en mémoire au-delà des tampons du flux (quelques dizaines de Kio), quelle que
 * soit la taille du fichier. Un envoi est tout ou rien : au premier refus (fichier vide, trop
 * gros, nom refusé, client parti), les fichiers déjà écrits de cet envoi sont supprimés.
 */

/** Un refus de l'envoi, avec son statut HTTP et son code (ceux de GraphQL quand ils existent). */
export class UploadRefusal extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Au plus tant de fichiers par envoi (une requête) ; au-delà, on en fait plusieurs. */
export const MAX_FILES_PER_UPLOAD = 100;

export interface ReceivedPiece {
  storageKey: string;
  filename: string;
  /** Type déclaré par le client : conservé pour information, jamais renvoyé au téléchargement. */
  contentType: string;
  size: number;
  sha256: string;
}

export interface ReceiveOptions {
  storage: PieceStorage;
  maxBytes: number;
  /**
   * Appelé une fois, à l'arrivée du premier fichier, avec les champs reçus jusque-là (ils
   * précèdent les fichiers) ; peut refuser l'envoi (en levant une erreur) avant qu'un octet ne
   * soit écrit.
   */
  beforeFirstFile?(fields: Readonly<Record<string, string>>): Promise<void>;
}

export interface ReceivedUpload {
  fields: Record<string, string>;
  pieces: ReceivedPiece[];
}

/** Compte, hache et borne un flux, sans rien retenir. */
class PieceMeter extends Transform {
  size = 0;
  sha256 = '';
  private readonly hash: Hash = createHash('sha256');

  constructor(
    private readonly filename: string,
    private readonly maxBytes: number,
  ) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback) {
    this.size += chunk.length;
    if (this.size > this.maxBytes) {
      callback(new UploadRefusal(413, 'PAYLOAD_TOO_LARGE', `Le fichier « ${this.filename} » dépasse la taille maximale de ${formatBytes(this.maxBytes)}.`));
      return;
    }
    this.hash.update(chunk);
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback) {
    if (this.size === 0) {
      callback(new UploadRefusal(400, 'BAD_USER_INPUT', `Le fichier « ${this.filename} » est vide.`));
      return;
    }
    this.sha256 = this.hash.digest('hex');
    callback();
  }
}

const CONTENT_TYPE = /^[\w!#$&^.+-]+\/[\w!#$&^.+-]+$/;

/**
 * Lit l'envoi et écrit ses fichiers dans le stockage. Rend les pièces écrites (dans l'ordre de
 * l'envoi) ; en cas de refus, rejette avec l'erreur après avoir tout nettoyé. La requête n'est
 * plus lue après un refus : c'est à l'appelant de répondre puis de fermer la connexion.
 */
export function receivePieces(req: IncomingMessage, options: ReceiveOptions): Promise<ReceivedUpload> {
  let parser: busboy.Busboy;
  try {
    parser = busboy({
      headers: req.headers,
      // Le nom brut : sans cela busboy garderait « passwd » de « ../../etc/passwd », en silence.
      preservePath: true,
      // Les navigateurs envoient les noms en UTF-8, sans le dire.
      defParamCharset: 'utf8',
      limits: { files: MAX_FILES_PER_UPLOAD, fields: 20, fieldSize: 1024, fieldNameSize: 100, parts: MAX_FILES_PER_UPLOAD + 20 },
    });
  } catch {
    return Promise.reject(
      new UploadRefusal(415, 'UNSUPPORTED_MEDIA_TYPE', 'Envoyez les pièces en multipart/form-data, chaque fichier dans un champ « file ».'),
    );
  }

  return new Promise<ReceivedUpload>((resolve, reject) => {
    const fields: Record<string, string> = {};
    const pieces: ReceivedPiece[] = [];
    let failure: Error | null = null;
    let sawFile = false;
    let parsed = false;
    let settled = false;
    /** Le fichier en cours d'écriture : détruit au premier refus, son écriture échoue et se nettoie. */
    let current: PieceMeter | null = null;
    /** Les fichiers, un après l'autre, dans l'ordre de l'envoi. */
    let work: Promise<void> = Promise.resolve();

    const settle = () => {
      if (settled) return;
      settled = true;
      void work.then(async () => {
        if (failure) {
          await Promise.all(pieces.map((piece) => options.storage.remove(piece.storageKey).catch(() => undefined)));
          reject(failure);
        } else {
          resolve({ fields, pieces });
        }
      });
    };

    const fail = (error: Error) => {
      if (failure) return;
      failure = error;
      req.unpipe(parser);
      current?.destroy(error);
      settle();
    };

    parser.on('field', (name, value) => {
      if (sawFile) {
        fail(new UploadRefusal(400, 'BAD_USER_INPUT', `Le champ « ${name} » doit précéder les fichiers dans l’envoi.`));
        return;
      }
      fields[name] = value;
    });

    parser.on('file', (name, stream: Readable, info) => {
      if (failure) {
        stream.resume();
        return;
      }
      if (name !== 'file') {
        stream.resume();
        fail(new UploadRefusal(400, 'BAD_USER_INPUT', `Partie « ${name} » inattendue : chaque fichier s’envoie dans un champ « file ».`));
        return;
      }
      const first = !sawFile;
      sawFile = true;
      work = work.then(async () => {
        try {
          if (failure) throw failure;
          if (first) await options.beforeFirstFile?.(fields);
          if (failure) throw failure;
          const check = checkFilename(unescapeMultipartFilename(info.filename ?? ''));
          if (!check.ok) throw new UploadRefusal(400, 'BAD_USER_INPUT', check.message);
          const meter = new PieceMeter(check.filename, options.maxBytes);
          current = meter;
          stream.on('error', (error) => meter.destroy(error));
          stream.pipe(meter);
          const storageKey = newStorageKey();
          await options.storage.write(storageKey, meter);
          current = null;
          pieces.push({
            storageKey,
            filename: check.filename,
            contentType: CONTENT_TYPE.test(info.mimeType) && info.mimeType.length <= 255 ? info.mimeType.toLowerCase() : 'application/octet-stream',
            size: meter.size,
            sha256: meter.sha256,
          });
        } catch (error) {
          current = null;
          stream.resume();
          fail(error as Error);
        }
      });
    });

    parser.on('filesLimit', () => fail(new UploadRefusal(400, 'BAD_USER_INPUT', `${MAX_FILES_PER_UPLOAD} fichiers au plus par envoi : faites plusieurs envois.`)));
    parser.on('partsLimit', () => fail(new UploadRefusal(400, 'BAD_USER_INPUT', 'Envoi refusé : trop de parties.')));
    parser.on('fieldsLimit', () => fail(new UploadRefusal(400, 'BAD_USER_INPUT', 'Envoi refusé : trop de champs.')));
    parser.on('error', (error: Error) => fail(new UploadRefusal(400, 'BAD_USER_INPUT', `Envoi illisible : ${error.message}`)));
    parser.on('close', () => {
      parsed = true;
      void work.then(() => {
        if (!failure && !sawFile) failure = new UploadRefusal(400, 'BAD_USER_INPUT', 'Aucun fichier reçu : joignez au moins un fichier dans un champ « file ».');
        settle();
      });
    });
    // Le client est parti au milieu de l'envoi : ce qui était commencé est effacé.
    req.on('close', () => {
      if (!parsed && !req.complete) fail(new UploadRefusal(400, 'BAD_USER_INPUT', 'Envoi interrompu avant la fin.'));
    });
    req.pipe(parser);
  });
}
