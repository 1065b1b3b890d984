import { open, readdir } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import type { Env } from '../../env.js';
import { emailDirectory, writesEmailFiles } from './delivery.js';
import { escapeHtml } from './templates.js';

/**
 * La page de développement des courriels : sans serveur SMTP, les courriels sont écrits en
 * fichiers .eml (delivery.ts) ; `GET /dev/emails` les liste, du plus récent au plus ancien, et
 * `GET /dev/emails/<fichier>.eml` montre le message brut (`?telecharger` pour l'enregistrer).
 * En production, ou quand SMTP_URL est défini, ces chemins répondent 404.
 */
export const DEV_EMAILS_PATH = '/dev/emails';

/** Un nom de fichier écrit par delivery.ts, et rien d'autre (ni chemin, ni fichier caché). */
const EML_NAME = /^[0-9TZ]+-[0-9a-f-]{36}\.eml$/;
const LISTED = 200;

export interface ListedEmail {
  file: string;
  date: string;
  to: string;
  subject: string;
}

export function devEmailsEnabled(env: Pick<Env, 'NODE_ENV' | 'SMTP_URL'>): boolean {
  return env.NODE_ENV !== 'production' && writesEmailFiles(env);
}

/** Décode les mots encodés (RFC 2047) d'un en-tête : =?UTF-8?Q?…?= et =?UTF-8?B?…?=. */
export function decodeHeader(value: string): string {
  return value
    .replace(/(\?=)\s+(=\?)/g, '$1$2')
    .replace(/=\?([^?]+)\?([QqBb])\?([^?]*)\?=/g, (_match, charset: string, encoding: string, text: string) => {
      const bytes =
        encoding.toUpperCase() === 'B'
          ? Buffer.from(text, 'base64')
          : Buffer.from(text.replace(/_/g, ' ').replace(/=([0-9A-Fa-f]{2})/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16))), 'latin1');
      return charset.toLowerCase() === 'utf-8' ? bytes.toString('utf8') : bytes.toString('latin1');
    });
}

/** Les en-têtes d'un message brut (dépliés), par nom en minuscules. */
export function parseHeaders(raw: string): Map<string, string> {
  const end = raw.search(/\r?\n\r?\n/);
  const block = (end === -1 ? raw : raw.slice(0, end)).replace(/\r?\n[ \t]+/g, ' ');
  const headers = new Map<string, string>();
  for (const line of block.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    if (!headers.has(name)) headers.set(name, decodeHeader(line.slice(colon + 1).trim()));
  }
  return headers;
}

async function readHead(file: string): Promise<string> {
  const handle = await open(file, 'r');
  try {
    const buffer = Buffer.alloc(16_384);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    return buffer.subarray(0, bytesRead).toString('utf8');
  } finally {
    await handle.close();
  }
}

/** Les courriels écrits, du plus récent au plus ancien. */
export async function listEmailFiles(directory: string, limit = LISTED): Promise<ListedEmail[]> {
  const names = await readdir(directory).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [] as string[];
    throw error;
  });
  const files = names.filter((name) => EML_NAME.test(name)).sort().reverse().slice(0, limit);
  return Promise.all(
    files.map(async (file) => {
      const headers = parseHeaders(await readHead(path.join(directory, file)));
      return { file, date: headers.get('date') ?? '', to: headers.get('to') ?? '', subject: headers.get('subject') ?? '' };
    }),
  );
}

const PARIS = new Intl.DateTimeFormat('fr-FR', { timeZone: 'Europe/Paris', dateStyle: 'short', timeStyle: 'medium' });

function renderList(emails: ListedEmail[], directory: string): string {
  const rows = emails.map((email) => {
    const href = `${DEV_EMAILS_PATH}/${encodeURIComponent(email.file)}`;
    const date = Number.isNaN(Date.parse(email.date)) ? email.date : PARIS.format(new Date(email.date));
    return `<tr><td>${escapeHtml(date)}</td><td>${escapeHtml(email.to)}</td><td>${escapeHtml(email.subject)}</td><td><a href="${escapeHtml(href)}">voir</a> · <a href="${escapeHtml(href)}?telecharger">.eml</a></td></tr>`;
  });
  return `<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><title>Courriels envoyés — infoParquet (développement)</title>
<style>body{font-family:Arial,Helvetica,sans-serif;margin:2rem;color:#161616}table{border-collapse:collapse;width:100%}th,td{text-align:left;border-bottom:1px solid #ddd;padding:.4rem .6rem;vertical-align:top}th{background:#f6f6f6}</style></head>
<body>
<h1>Courriels envoyés (développement)</h1>
<p>Sans <code>SMTP_URL</code>, les courriels sont écrits dans <code>${escapeHtml(directory)}</code> au lieu d’être envoyés. Du plus récent au plus ancien (${LISTED} au plus).</p>
${
  emails.length === 0
    ? '<p>Aucun courriel pour l’instant.</p>'
    : `<table><caption style="text-align:left;margin-bottom:.5rem">${emails.length} courriel(s)</caption><thead><tr><th scope="col">Date</th><th scope="col">Destinataire</th><th scope="col">Objet</th><th scope="col">Message</th></tr></thead><tbody>
${rows.join('\n')}
</tbody></table>`
}
</body></html>
`;
}

function notFound(res: ServerResponse, message: string) {
  res.writeHead(404, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(JSON.stringify({ error: message, code: 'NOT_FOUND' }));
}

/** Le routeur de la page : `false` si la requête n'est pas pour lui, sinon il y répond entièrement. */
export function createDevEmailRoutes(env: Pick<Env, 'NODE_ENV' | 'SMTP_URL' | 'EMAIL_DIR'>) {
  const enabled = devEmailsEnabled(env);
  const directory = emailDirectory(env);

  async function handle(req: IncomingMessage, res: ServerResponse, pathname: string, query: string) {
    if (!enabled) return notFound(res, 'Page introuvable.');
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' });
      res.end('Méthode non permise : utilisez GET.');
      return;
    }
    const headers = { 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' };
    if (pathname === DEV_EMAILS_PATH || pathname === `${DEV_EMAILS_PATH}/`) {
      const html = renderList(await listEmailFiles(directory), directory);
      res.writeHead(200, { ...headers, 'content-type': 'text/html; charset=utf-8', 'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'" });
      res.end(req.method === 'HEAD' ? undefined : html);
      return;
    }
    let name: string;
    try {
      name = decodeURIComponent(pathname.slice(DEV_EMAILS_PATH.length + 1));
    } catch {
      return notFound(res, 'Courriel introuvable.');
    }
    // Seuls les noms que l'application écrit : ni « .. », ni séparateur, ni autre fichier du dossier.
    if (!EML_NAME.test(name)) return notFound(res, 'Courriel introuvable.');
    const file = path.join(directory, name);
    let content: Buffer;
    try {
      const handle = await open(file, 'r');
      try {
        content = await handle.readFile();
      } finally {
        await handle.close();
      }
    } catch {
      return notFound(res, 'Courriel introuvable.');
    }
    const download = new URLSearchParams(query).has('telecharger');
    res.writeHead(200, {
      ...headers,
      'content-type': download ? 'message/rfc822' : 'text/plain; charset=utf-8',
      'content-length': String(content.length),
      ...(download ? { 'content-disposition': `attachment; filename="${name}"` } : {}),
    });
    res.end(req.method === 'HEAD' ? undefined : content);
  }

  return function routeDevEmails(req: IncomingMessage, res: ServerResponse): boolean {
    const url = req.url ?? '/';
    const queryAt = url.indexOf('?');
    const pathname = queryAt === -1 ? url : url.slice(0, queryAt);
    if (pathname !== DEV_EMAILS_PATH && !pathname.startsWith(`${DEV_EMAILS_PATH}/`)) return false;
    handle(req, res, pathname, queryAt === -1 ? '' : url.slice(queryAt + 1)).catch((error: unknown) => {
      console.error('[courriels] page de développement', error);
      if (!res.headersSent) {
        res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
        res.end('Erreur interne.');
      } else {
        res.destroy();
      }
    });
    return true;
  };
}
