import type { Readable } from 'node:stream';
import * as archiver from 'archiver';

/** archiver 8 exporte des classes (ESM) ; les types publiés (@types/archiver 7) décrivent encore la fabrique. */
const { ZipArchive } = archiver as unknown as {
  ZipArchive: new (options: { store?: boolean; forceZip64?: boolean }) => archiver.Archiver;
};

export interface ArchiveEntry {
  /** Nom dans l'archive, déjà rendu unique et sûr (filename.ts). */
  name: string;
  date: Date;
  /** Ouvre le contenu : appelé seulement quand l'archive arrive à cette entrée. */
  open(): Promise<Readable>;
}

/**
 * Une archive ZIP en flux. Sans compression (« store ») : PDF, photos et tableurs sont déjà
 * compressés, et le processeur reste libre. Les entrées sont ajoutées une à une, chacune quand
 * la précédente est écrite : un seul fichier ouvert à la fois, quelle que soit leur nombre, et
 * une mémoire bornée par les tampons du flux. ZIP64 dès qu'une taille dépasse 4 Gio.
 */
export function zipArchive(entries: readonly ArchiveEntry[]): Readable {
  const archive = new ZipArchive({ store: true });
  let next = 0;
  const appendNext = async () => {
    const entry = entries[next];
    next += 1;
    if (!entry) {
      // L'erreur éventuelle arrive aussi par l'événement « error » du flux, que lit l'appelant.
      archive.finalize().catch(() => undefined);
      return;
    }
    try {
      archive.append(await entry.open(), { name: entry.name, date: entry.date });
    } catch (error) {
      archive.destroy(error as Error);
    }
  };
  archive.on('entry', () => void appendNext());
  void appendNext();
  return archive;
}
