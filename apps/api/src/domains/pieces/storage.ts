import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/**
 * Où dorment les octets des pièces. Une petite interface, pour qu'un stockage objet (S3,
 * OpenStack Swift…) remplace le dossier local sans toucher au reste : la base garde le nom, la
 * taille, l'empreinte et la clé ; le stockage, seulement les octets sous cette clé.
 */
export interface PieceStorage {
  /**
   * Écrit tout le flux sous `key` ; rend la main une fois les octets durablement écrits. Si le
   * flux échoue (taille dépassée, client parti…), rien ne reste sous aucune clé.
   */
  write(key: string, source: Readable): Promise<void>;
  /** Le contenu stocké sous `key`, en flux, et sa taille. */
  read(key: string): Promise<{ stream: Readable; size: number }>;
  /** Supprime ce qui est stocké sous `key` ; sans effet si rien n'y est. */
  remove(key: string): Promise<void>;
  /**
   * Efface les écritures abandonnées (une instance arrêtée net en plein envoi) dont le dernier
   * octet date de plus de `olderThanMs` ; rend leur nombre. Une écriture en cours n'est jamais
   * aussi vieille : chaque morceau reçu la rajeunit.
   */
  sweepAbandoned(olderThanMs: number): Promise<number>;
}

/** Âge au-delà duquel une écriture partielle est tenue pour abandonnée. */
const ABANDONED_WRITE_MS = 24 * 3600_000;

/** Les clés sont des uuid tirés par le serveur, jamais dérivés du nom donné par le client. */
export function newStorageKey(): string {
  return randomUUID();
}

const KEY = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * Le stockage dans un dossier local (STORAGE_DIR) : `<dossier>/<2 premiers caractères>/<clé>`,
 * pour que des millions de pièces ne s'entassent pas dans un seul répertoire. L'écriture passe
 * par un fichier temporaire du même dossier (`.tmp/`, donc du même système de fichiers), vidé
 * sur disque puis renommé : le renommage est atomique, si bien qu'une clé n'existe jamais à
 * moitié écrite.
 */
export function createLocalStorage(root: string): PieceStorage {
  const temporary = path.join(root, '.tmp');
  const pathOf = (key: string) => {
    // Défense en profondeur : une clé qui n'est pas un uuid ne désigne jamais un chemin.
    if (!KEY.test(key)) throw new Error(`Clé de stockage invalide : ${JSON.stringify(key)}`);
    return path.join(root, key.slice(0, 2), key);
  };
  return {
    async write(key, source) {
      // Une erreur du flux avant que `pipeline` ne l'écoute (fichier vide refusé dès sa fin) :
      // le flux la garde (`errored`), `pipeline` la relira ; pas d'exception non rattrapée.
      source.on('error', () => undefined);
      const target = pathOf(key);
      await mkdir(temporary, { recursive: true });
      await mkdir(path.dirname(target), { recursive: true });
      const partial = path.join(temporary, `${key}.${randomUUID()}.part`);
      try {
        // `flush` : les octets sont sur le disque avant la fermeture, donc avant le renommage.
        await pipeline(source, createWriteStream(partial, { flags: 'wx', flush: true }));
        await rename(partial, target);
      } catch (error) {
        source.destroy();
        await rm(partial, { force: true });
        throw error;
      }
    },
    async read(key) {
      const file = pathOf(key);
      const { size } = await stat(file);
      return { stream: createReadStream(file), size };
    },
    async remove(key) {
      await rm(pathOf(key), { force: true });
    },
    async sweepAbandoned(olderThanMs) {
      const names = await readdir(temporary).catch((error: NodeJS.ErrnoException) => {
        if (error.code === 'ENOENT') return [];
        throw error;
      });
      let removed = 0;
      for (const name of names.filter((entry) => entry.endsWith('.part'))) {
        const file = path.join(temporary, name);
        const modified = await stat(file).then((info) => info.mtimeMs, () => null);
        if (modified === null || Date.now() - modified <= olderThanMs) continue;
        await rm(file, { force: true });
        removed += 1;
      }
      return removed;
    },
  };
}

const byRoot = new Map<string, PieceStorage>();

/** Le stockage configuré (STORAGE_DIR), le même objet pour un même dossier. */
export function pieceStorage(env: { STORAGE_DIR: string }): PieceStorage {
  let storage = byRoot.get(env.STORAGE_DIR);
  if (!storage) {
    storage = createLocalStorage(env.STORAGE_DIR);
    byRoot.set(env.STORAGE_DIR, storage);
  }
  return storage;
}

/**
 * Les envois de pièces qu'une instance arrêtée net a laissés à moitié dans le stockage (jamais sous
 * une clé : seulement des fichiers partiels) sont effacés au démarrage, puis toutes les heures, une
 * fois vieux de plus d'un jour.
 */
export function startAbandonedWriteSweeper(env: { STORAGE_DIR: string }): NodeJS.Timeout {
  const sweep = () =>
    void pieceStorage(env)
      .sweepAbandoned(ABANDONED_WRITE_MS)
      .then(
        (removed) => removed > 0 && console.info(`[pièces] ${removed} envoi(s) abandonné(s) effacé(s) du stockage`),
        (error: unknown) => console.error('[pièces] nettoyage des envois abandonnés impossible', error),
      );
  sweep();
  const timer = setInterval(sweep, 3600_000);
  timer.unref();
  return timer;
}
