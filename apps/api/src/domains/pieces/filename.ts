/**
 * Le nom d'une pièce tel que l'a choisi son déposant : gardé pour l'affichage, le PDF et le
 * téléchargement, jamais pour le stockage (la clé de stockage est un uuid tiré par le serveur).
 * On le refuse plutôt que de le corriger en silence : l'agent sait alors quel fichier renommer.
 */

/** 255 octets : la limite des systèmes de fichiers courants (ext4, NTFS en UTF-16 est plus large). */
export const MAX_FILENAME_BYTES = 255;

/** Noms de périphériques de Windows : un fichier ainsi nommé ne s'enregistre pas sur le poste de l'agent. */
const RESERVED = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(\..*)?$/i;

/** Caractères de contrôle (dont NUL, CR, LF, DEL) et contrôles bidirectionnels (« facture‮fdp.exe »). */
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/u;

export type FilenameCheck = { ok: true; filename: string } | { ok: false; message: string };

/**
 * Vérifie un nom de fichier : rend le nom retenu (espaces de tête et de fin retirés, Unicode
 * normalisé en NFC) ou la raison du refus, en français.
 */
export function checkFilename(raw: string | null | undefined): FilenameCheck {
  const filename = (raw ?? '').normalize('NFC').trim();
  if (filename === '') return { ok: false, message: 'Le fichier n’a pas de nom : donnez-lui un nom avant de le déposer.' };
  const quoted = `« ${printable(filename)} »`;
  if (CONTROL.test(filename)) return { ok: false, message: `Le nom de fichier ${quoted} contient un caractère de contrôle : renommez le fichier.` };
  if (filename.includes('/') || filename.includes('\\')) {
    return { ok: false, message: `Le nom de fichier ${quoted} contient un séparateur de chemin (/ ou \\) : seul le nom du fichier est accepté.` };
  }
  if (/^\.+$/.test(filename) || filename.startsWith('..')) {
    return { ok: false, message: `Le nom de fichier ${quoted} n’est pas permis : il ne peut pas commencer par « .. ».` };
  }
  if (RESERVED.test(filename)) return { ok: false, message: `Le nom de fichier ${quoted} est réservé par Windows : renommez le fichier.` };
  if (Buffer.byteLength(filename, 'utf8') > MAX_FILENAME_BYTES) {
    return { ok: false, message: `Le nom de fichier ${quoted} est trop long : ${MAX_FILENAME_BYTES} octets au plus.` };
  }
  return { ok: true, filename };
}

/**
 * Le nom tel que l'envoient les navigateurs : en multipart/form-data, ils écrivent `"`, CR et LF
 * sous la forme `%22`, `%0D` et `%0A` (norme HTML, « multipart/form-data encoding algorithm »),
 * seuls caractères ainsi échappés. On les rend, pour garder le nom exact (et refuser CR et LF).
 */
export function unescapeMultipartFilename(name: string): string {
  return name.replace(/%22/g, '"').replace(/%0D/gi, '\r').replace(/%0A/gi, '\n');
}

/** Pour citer un nom refusé dans un message : contrôles visibles, longueur bornée. */
function printable(name: string): string {
  const visible = name.replace(new RegExp(CONTROL.source, 'gu'), '�');
  return visible.length > 80 ? `${visible.slice(0, 77)}…` : visible;
}

/**
 * L'en-tête `Content-Disposition` d'un téléchargement (RFC 6266 et 8187) : `filename` en ASCII
 * sans guillemet ni barre oblique inverse pour les anciens clients, `filename*` en UTF-8
 * encodé pour les autres (le nom exact). Guillemets, contrôles et séparateurs ne peuvent donc
 * jamais fermer le paramètre ni injecter un en-tête.
 */
export function contentDisposition(filename: string): string {
  const clean = filename.replace(new RegExp(CONTROL.source, 'gu'), '').replace(/[/\\]/g, '_');
  const ascii =
    clean
      .normalize('NFKD')
      .replace(/[\u0300-\u036f]/g, '')
      .replace(/"/g, '')
      .replace(/[^\x20-\x7e]/g, '_')
      .replace(/[\\%]/g, '_')
      .trim() || 'piece';
  const encoded = encodeURIComponent(clean).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}

/**
 * Les noms des fichiers d'une archive : le nom de chaque pièce, et pour un nom déjà pris (sans
 * égard à la casse, comme sur les postes Windows et macOS) « photo (2).jpg », « photo (3).jpg »…
 */
export function uniqueArchiveNames(filenames: readonly string[]): string[] {
  const taken = new Set<string>();
  return filenames.map((name) => {
    const clean = name.replace(new RegExp(CONTROL.source, 'gu'), '').replace(/[/\\]/g, '_').replace(/^\.+/, '_') || 'piece';
    const dot = clean.lastIndexOf('.');
    const [stem, extension] = dot > 0 ? [clean.slice(0, dot), clean.slice(dot)] : [clean, ''];
    let candidate = clean;
    for (let n = 2; taken.has(candidate.toLowerCase()); n += 1) candidate = `${stem} (${n})${extension}`;
    taken.add(candidate.toLowerCase());
    return candidate;
  });
}
