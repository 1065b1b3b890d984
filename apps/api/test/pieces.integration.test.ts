import { createHash, randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { encodeGlobalID } from '@pothos/plugin-relay';
import yauzl from 'yauzl';
import { afterEach, describe, expect, it } from 'vitest';
import { createDraft, createWorld, setupIntegration, transmitDraft, uuidOf, type Actor, type World } from './helpers.js';
import { pdfText } from './pdf-text.js';
import { httpClient, startInstance } from './realtime-helpers.js';

/**
 * Les pièces jointes, par un vrai serveur HTTP (port libre) : envoi multipart en flux,
 * téléchargement, archive ZIP, refus, périmètre, journal. Chaque test a son dossier de stockage,
 * listé pour vérifier qu'un refus n'y laisse rien.
 */
const t = setupIntegration();

const folders: string[] = [];
afterEach(async () => {
  while (folders.length > 0) await rm(folders.pop()!, { recursive: true, force: true });
});

interface UploadFile {
  name: string;
  content: Buffer;
  type?: string;
}

interface PieceJson {
  id: string;
  filename: string;
  size: string;
  sha256: string;
  createdAt: string;
  addedAfterTransmission: boolean;
  downloadPath: string;
}

const sha256 = (content: Buffer) => createHash('sha256').update(content).digest('hex');
const internal = uuidOf;
const MAX_BYTES = 4 * 1024 * 1024;

/** Un monde de test, une instance de l'API sur son propre dossier de stockage, et de quoi lui parler. */
async function setup(overrides: Record<string, string> = {}) {
  const w = await createWorld(t);
  const storageDir = await mkdtemp(path.join(tmpdir(), 'infoparquet-pieces-'));
  folders.push(storageDir);
  const api = await startInstance({ STORAGE_DIR: storageDir, PIECE_MAX_BYTES: String(MAX_BYTES), ...overrides });
  const base = api.url.replace(/\/graphql$/, '');
  const auth = (actor: Actor | null): Record<string, string> => (actor ? { authorization: `Bearer ${actor.token}` } : {});

  async function upload(actor: Actor | null, signalementId: string, files: UploadFile[], fields: Record<string, string> = {}) {
    const form = new FormData();
    for (const [name, value] of Object.entries(fields)) form.append(name, value);
    for (const file of files) form.append('file', new Blob([new Uint8Array(file.content)], { type: file.type ?? 'application/pdf' }), file.name);
    const response = await fetch(`${base}/documents/signalements/${encodeURIComponent(signalementId)}/pieces`, {
      method: 'POST',
      headers: auth(actor),
      body: form,
    });
    return { status: response.status, headers: response.headers, body: (await response.json()) as { pieces: PieceJson[] } & { code: string; error: string } };
  }

  async function uploaded(actor: Actor, signalementId: string, files: UploadFile[], fields: Record<string, string> = {}) {
    const result = await upload(actor, signalementId, files, fields);
    if (result.status !== 201) throw new Error(`Envoi refusé : ${result.status} ${JSON.stringify(result.body)}`);
    return result.body.pieces;
  }

  const get = (actor: Actor | null, pathname: string, headers: Record<string, string> = {}) =>
    fetch(`${base}${pathname}`, { headers: { ...auth(actor), ...headers } });

  /** Tous les fichiers du dossier de stockage, temporaires compris. */
  async function storedFiles(): Promise<string[]> {
    const entries = await readdir(storageDir, { recursive: true, withFileTypes: true }).catch(() => []);
    return entries.filter((entry) => entry.isFile()).map((entry) => path.relative(storageDir, path.join(entry.parentPath, entry.name)));
  }

  const gql = (actor: Actor, query: string, variables: Record<string, unknown> = {}) => httpClient(api.url, actor.token).gql(query, variables);

  return { w, api, base, storageDir, upload, uploaded, get, storedFiles, gql };
}

type Setup = Awaited<ReturnType<typeof setup>>;

const PIECES_QUERY = `query($id: ID!) { signalement(id: $id) {
  pieces { id filename size sha256 contentType createdAt addedAfterTransmission downloadPath uploadedBy { displayName } message { kind } }
  piecesArchivePath piecesUploadPath } }`;

async function piecesSeenBy(s: Setup, actor: Actor, id: string) {
  const result = await s.gql(actor, PIECES_QUERY, { id });
  expect(result.errors).toBeUndefined();
  return result.data.signalement as {
    pieces: (PieceJson & { contentType: string; uploadedBy: { displayName: string }; message: { kind: string } | null })[];
    piecesArchivePath: string;
    piecesUploadPath: string | null;
  };
}

/** Le contenu d'une archive ZIP : nom → octets, dans l'ordre des entrées. */
async function unzip(zip: Buffer): Promise<[string, Buffer][]> {
  const archive = await new Promise<yauzl.ZipFile>((resolve, reject) =>
    yauzl.fromBuffer(zip, { lazyEntries: true }, (error, opened) => (error || !opened ? reject(error) : resolve(opened))),
  );
  const entries: [string, Buffer][] = [];
  await new Promise<void>((resolve, reject) => {
    archive.on('error', reject);
    archive.on('end', () => resolve());
    archive.on('entry', (entry: yauzl.Entry) => {
      archive.openReadStream(entry, (error, stream) => {
        if (error || !stream) return reject(error);
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('error', reject);
        stream.on('end', () => {
          entries.push([entry.fileName, Buffer.concat(chunks)]);
          archive.readEntry();
        });
      });
    });
    archive.readEntry();
  });
  return entries;
}

/** Enregistré, attribué au magistrat avec une note interne, puis renseignements demandés : deux messages du parquet. */
async function withParquetMessages(w: World, id: string) {
  const ok = (result: { errors?: unknown }) => expect(result.errors).toBeUndefined();
  ok(await w.clerk.client.gql(`mutation($id: ID!) { registerSignalement(id: $id) { id } }`, { id }));
  ok(
    await w.clerk.client.gql(`mutation($id: ID!, $a: ID!, $n: String) { assignSignalement(id: $id, assigneeId: $a, note: $n) { id } }`, {
      id,
      a: encodeGlobalID('User', w.prosecutor.user.id),
      n: 'Note interne : vérifier les antécédents.',
    }),
  );
  ok(await w.prosecutor.client.gql(`mutation($id: ID!, $m: String!) { requestInformation(id: $id, message: $m) { id } }`, { id, m: 'Merci de joindre le PV.' }));
  const messages = await w.prosecutor.client.gql(`query($id: ID!) { signalement(id: $id) { messages { id kind } } }`, { id });
  const byKind = (kind: string) => (messages.data!.signalement.messages as { id: string; kind: string }[]).find((message) => message.kind === kind)!.id;
  return { note: byKind('INTERNAL_NOTE'), request: byKind('INFORMATION_REQUEST') };
}

const pdf = (name: string, size = 2000): UploadFile => ({ name, content: randomBytes(size) });

describe('envoi des pièces (POST /documents/signalements/<id>/pieces)', () => {
  it('sans authentification : 401, et rien d’écrit', async () => {
    const s = await setup();
    const id = await createDraft(s.w.agent, s.w.parquet.code);
    const response = await s.upload(null, id, [pdf('pv.pdf')]);
    expect(response.status).toBe(401);
    expect(response.body).toEqual({ code: 'UNAUTHENTICATED', error: 'Authentification requise : connectez-vous ou fournissez un jeton valide.' });
    expect(await t.prisma.piece.count()).toBe(0);
    expect(await s.storedFiles()).toEqual([]);
  });

  it('une autre administration, un autre parquet, l’opérateur, un identifiant inconnu : 404 comme pour un inexistant', async () => {
    const s = await setup();
    const draft = await createDraft(s.w.agent, s.w.parquet.code);
    const sent = await createDraft(s.w.agent, s.w.parquet.code);
    await transmitDraft(s.w.agent, sent);
    const unknown = encodeGlobalID('Signalement', '00000000-0000-4000-8000-000000000000');
    const notFound = { code: 'NOT_FOUND', error: 'Signalement introuvable.' };
    for (const [actor, id] of [
      [s.w.otherAgent, draft],
      [s.w.otherAgent, sent],
      [s.w.otherClerk, sent],
      // Le parquet destinataire ne voit pas un brouillon.
      [s.w.clerk, draft],
      [s.w.platformAdmin, sent],
      [s.w.agent, unknown],
      [s.w.agent, 'n-importe-quoi'],
    ] as const) {
      const response = await s.upload(actor, id, [pdf('pv.pdf')]);
      expect(response.status, `${actor.user.role} ${id}`).toBe(404);
      expect(response.body).toEqual(notFound);
    }
    expect(await t.prisma.piece.count()).toBe(0);
    expect(await s.storedFiles()).toEqual([]);
  });

  it('un lecteur : 403 ; le parquet sans son propre message : 403 ; retiré ou clôturé : 409 ; rien d’écrit', async () => {
    const s = await setup();
    const id = await createDraft(s.w.agent, s.w.parquet.code);
    const forReader = await s.upload(s.w.reader, id, [pdf('pv.pdf')]);
    expect(forReader.status).toBe(403);
    expect(forReader.body).toEqual({ code: 'FORBIDDEN', error: 'Votre rôle ne permet pas de joindre des pièces à ce signalement.' });

    await transmitDraft(s.w.agent, id);
    const withoutMessage = await s.upload(s.w.clerk, id, [pdf('pv.pdf')]);
    expect(withoutMessage.status).toBe(403);
    expect(withoutMessage.body.error).toMatch(/^Le parquet joint ses pièces à l’un de ses messages/);

    const messages = await withParquetMessages(s.w, id);
    // La demande du parquet n'est pas un message de l'administration, ni l'inverse.
    const agentOnRequest = await s.upload(s.w.agent, id, [pdf('pv.pdf')], { message: messages.request });
    expect(agentOnRequest.status).toBe(403);
    expect(agentOnRequest.body.error).toBe('L’administration ne joint des pièces qu’au signalement ou à ses propres réponses.');
    const unknownMessage = await s.upload(s.w.clerk, id, [pdf('pv.pdf')], { message: '00000000-0000-4000-8000-000000000000' });
    expect(unknownMessage.status).toBe(400);
    expect(unknownMessage.body).toEqual({ code: 'BAD_USER_INPUT', error: 'Saisie invalide. Message introuvable sur ce signalement.' });

    const withdrawnId = await createDraft(s.w.agent, s.w.parquet.code);
    await transmitDraft(s.w.agent, withdrawnId);
    const withdrawn = await s.w.manager.client.gql(`mutation($id: ID!, $r: String!) { withdrawSignalement(id: $id, reason: $r) { id } }`, {
      id: withdrawnId,
      r: 'Transmis par erreur.',
    });
    expect(withdrawn.errors).toBeUndefined();
    const closed = await s.upload(s.w.agent, withdrawnId, [pdf('pv.pdf')]);
    expect(closed.status).toBe(409);
    expect(closed.body).toEqual({ code: 'CONFLICT', error: 'Le signalement a été retiré : on ne peut plus y joindre de pièce.' });
    expect((await piecesSeenBy(s, s.w.agent, withdrawnId)).piecesUploadPath).toBeNull();

    expect(await t.prisma.piece.count()).toBe(0);
    expect(await s.storedFiles()).toEqual([]);
  });

  it('l’agent joint trois pièces à un brouillon : empreintes dans la réponse et dans GraphQL, octets identiques au téléchargement, journal', async () => {
    const s = await setup();
    const id = await createDraft(s.w.agent, s.w.parquet.code);
    const files = [
      { name: 'PV d’audition.pdf', content: randomBytes(3 * 1024 * 1024 + 17) },
      { name: 'rapport "final" été.pdf', content: Buffer.from('%PDF-1.4 rapport final\n') },
      { name: 'photo.jpg', content: randomBytes(70_000), type: 'image/jpeg' },
    ];
    const pieces = await s.uploaded(s.w.agent, id, files);
    expect(pieces.map(({ filename, size, sha256: hash, addedAfterTransmission }) => ({ filename, size, sha256: hash, addedAfterTransmission }))).toEqual(
      files.map((file) => ({ filename: file.name, size: String(file.content.length), sha256: sha256(file.content), addedAfterTransmission: false })),
    );

    const seen = await piecesSeenBy(s, s.w.agent, id);
    expect(seen.pieces.map((piece) => [piece.id, piece.filename, piece.size, piece.sha256, piece.downloadPath])).toEqual(
      pieces.map((piece) => [piece.id, piece.filename, piece.size, piece.sha256, piece.downloadPath]),
    );
    expect(seen.pieces[2]).toMatchObject({ contentType: 'image/jpeg', message: null });
    expect(seen.pieces[0]!.uploadedBy.displayName).toMatch(/^Prénom Nom\d+$/);
    expect(seen.piecesUploadPath).toBe(`/documents/signalements/${encodeURIComponent(id)}/pieces`);
    // Le lecteur voit les pièces, sans pouvoir en joindre.
    expect((await piecesSeenBy(s, s.w.reader, id)).piecesUploadPath).toBeNull();

    for (const [index, file] of files.entries()) {
      const response = await s.get(s.w.agent, pieces[index]!.downloadPath);
      expect(response.status).toBe(200);
      const body = Buffer.from(await response.arrayBuffer());
      expect(sha256(body)).toBe(sha256(file.content));
      expect(body.equals(file.content)).toBe(true);
      // Jamais le type déclaré par le client (image/jpeg ici) : pas de contenu interprété par le navigateur.
      expect(response.headers.get('content-type')).toBe('application/octet-stream');
      expect(response.headers.get('content-length')).toBe(String(file.content.length));
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('cache-control')).toBe('no-store');
    }
    const quoted = await s.get(s.w.agent, pieces[1]!.downloadPath);
    expect(quoted.headers.get('content-disposition')).toBe(
      `attachment; filename="rapport final ete.pdf"; filename*=UTF-8''rapport%20%22final%22%20%C3%A9t%C3%A9.pdf`,
    );
    await quoted.arrayBuffer();

    const signalementId = internal(id);
    const added = await t.prisma.auditEvent.findMany({ where: { signalementId, action: 'PIECE_ADDED' }, orderBy: { id: 'asc' } });
    expect(added.map((event) => [event.targetId, event.actorId, event.internal, event.parquetId, (event.after as { sha256: string }).sha256])).toEqual(
      pieces.map((piece, index) => [internal(piece.id), s.w.agent.user.id, false, null, sha256(files[index]!.content)]),
    );
    const downloads = await t.prisma.auditEvent.findMany({ where: { signalementId, action: 'PIECE_DOWNLOADED' }, orderBy: { id: 'asc' } });
    expect(downloads).toHaveLength(4);
    expect(downloads[0]).toMatchObject({ actorId: s.w.agent.user.id, organizationId: s.w.administration.id, targetId: internal(pieces[0]!.id), internal: true });
    // Trois fichiers, rangés sous des clés tirées par le serveur : aucun nom de client dans le stockage.
    const stored = await s.storedFiles();
    expect(stored).toHaveLength(3);
    for (const file of stored) expect(file).toMatch(/^[0-9a-f]{2}\/[0-9a-f-]{36}$/);
  });

  it('les refus (vide, trop gros, chemin, nom réservé, pas multipart, champ après les fichiers) : message clair, ni ligne, ni fichier', async () => {
    const s = await setup();
    const id = await createDraft(s.w.agent, s.w.parquet.code);
    const refused = async (files: UploadFile[], status: number, code: string, error: string, fields: Record<string, string> = {}) => {
      const response = await s.upload(s.w.agent, id, files, fields);
      expect(response.status, error).toBe(status);
      expect(response.body).toEqual({ code, error });
    };
    await refused([pdf('bon.pdf'), { name: 'vide.pdf', content: Buffer.alloc(0) }], 400, 'BAD_USER_INPUT', 'Le fichier « vide.pdf » est vide.');
    // Au-delà de 4 Mio (PIECE_MAX_BYTES de ce test) ; la pièce valide envoyée avant est effacée aussi.
    await refused([pdf('bon.pdf'), { name: 'scan.tiff', content: randomBytes(MAX_BYTES + 1) }], 413, 'PAYLOAD_TOO_LARGE', 'Le fichier « scan.tiff » dépasse la taille maximale de 4 Mo.');
    await refused([pdf('../../etc/passwd')], 400, 'BAD_USER_INPUT', 'Le nom de fichier « ../../etc/passwd » contient un séparateur de chemin (/ ou \\) : seul le nom du fichier est accepté.');
    await refused([pdf('..')], 400, 'BAD_USER_INPUT', 'Le nom de fichier « .. » n’est pas permis : il ne peut pas commencer par « .. ».');
    await refused([pdf('CON.pdf')], 400, 'BAD_USER_INPUT', 'Le nom de fichier « CON.pdf » est réservé par Windows : renommez le fichier.');
    await refused([pdf('pv\r\n.pdf')], 400, 'BAD_USER_INPUT', 'Le nom de fichier « pv��.pdf » contient un caractère de contrôle : renommez le fichier.');
    await refused([], 400, 'BAD_USER_INPUT', 'Aucun fichier reçu : joignez au moins un fichier dans un champ « file ».');

    // Le champ `message` après un fichier : le message doit être connu avant d'écrire quoi que ce soit.
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(randomBytes(100))]), 'a.pdf');
    form.append('message', '00000000-0000-4000-8000-000000000000');
    const late = await fetch(`${s.base}/documents/signalements/${encodeURIComponent(id)}/pieces`, {
      method: 'POST',
      headers: { authorization: `Bearer ${s.w.agent.token}` },
      body: form,
    });
    expect(late.status).toBe(400);
    expect(await late.json()).toEqual({ code: 'BAD_USER_INPUT', error: 'Le champ « message » doit précéder les fichiers dans l’envoi.' });

    const notMultipart = await fetch(`${s.base}/documents/signalements/${encodeURIComponent(id)}/pieces`, {
      method: 'POST',
      headers: { authorization: `Bearer ${s.w.agent.token}`, 'content-type': 'application/pdf' },
      body: randomBytes(100),
    });
    expect(notMultipart.status).toBe(415);
    expect(await notMultipart.json()).toEqual({
      code: 'UNSUPPORTED_MEDIA_TYPE',
      error: 'Envoyez les pièces en multipart/form-data, chaque fichier dans un champ « file ».',
    });
    const wrongMethod = await fetch(`${s.base}/documents/signalements/${encodeURIComponent(id)}/pieces`, { method: 'PUT', headers: { authorization: `Bearer ${s.w.agent.token}` } });
    expect(wrongMethod.status).toBe(405);

    expect(await t.prisma.piece.count()).toBe(0);
    expect(await t.prisma.auditEvent.count({ where: { action: 'PIECE_ADDED' } })).toBe(0);
    expect(await s.storedFiles()).toEqual([]);
  });

  it('un client qui part au milieu de l’envoi ne laisse rien', async () => {
    const s = await setup();
    const id = await createDraft(s.w.agent, s.w.parquet.code);
    const boundary = 'frontiere-de-test';
    const head = `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="long.bin"\r\nContent-Type: application/octet-stream\r\n\r\n`;
    const url = new URL(`${s.base}/documents/signalements/${encodeURIComponent(id)}/pieces`);
    const client = request(url, {
      method: 'POST',
      headers: { authorization: `Bearer ${s.w.agent.token}`, 'content-type': `multipart/form-data; boundary=${boundary}`, 'content-length': String(10 * 1024 * 1024) },
    });
    client.on('error', () => undefined);
    client.write(head);
    client.write(randomBytes(1024 * 1024));
    // Le fichier temporaire apparaît, puis le client s'en va.
    let seen: string[] = [];
    for (let attempt = 0; attempt < 100 && seen.length === 0; attempt += 1) {
      seen = await s.storedFiles();
      if (seen.length === 0) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(seen.length, 'un fichier temporaire pendant l’envoi').toBe(1);
    expect(seen[0]).toMatch(/^\.tmp\//);
    client.destroy();
    let remaining = seen;
    for (let attempt = 0; attempt < 100 && remaining.length > 0; attempt += 1) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      remaining = await s.storedFiles();
    }
    expect(remaining).toEqual([]);
    expect(await t.prisma.piece.count()).toBe(0);
  });
});

describe('téléchargement d’une pièce (GET /documents/pieces/<id>)', () => {
  it('sans authentification : 401 ; hors périmètre, inconnue ou illisible : 404 ; le parquet destinataire la télécharge', async () => {
    const s = await setup();
    const id = await createDraft(s.w.agent, s.w.parquet.code);
    const content = randomBytes(5000);
    const [piece] = await s.uploaded(s.w.agent, id, [{ name: 'pv.pdf', content }]);
    // Brouillon : le parquet ne le voit pas encore.
    expect((await s.get(s.w.clerk, piece!.downloadPath)).status).toBe(404);
    await transmitDraft(s.w.agent, id);

    expect((await s.get(null, piece!.downloadPath)).status).toBe(401);
    for (const actor of [s.w.otherAgent, s.w.otherClerk, s.w.platformAdmin]) {
      const response = await s.get(actor, piece!.downloadPath);
      expect(response.status).toBe(404);
      expect(await response.json()).toEqual({ code: 'NOT_FOUND', error: 'Pièce introuvable.' });
    }
    expect((await s.get(s.w.agent, `/documents/pieces/${encodeURIComponent(encodeGlobalID('Piece', '00000000-0000-4000-8000-000000000000'))}`)).status).toBe(404);
    expect((await s.get(s.w.agent, `/documents/pieces/${encodeURIComponent(encodeGlobalID('Signalement', internal(piece!.id)))}`)).status).toBe(404);
    expect((await s.get(s.w.agent, '/documents/pieces/%E0%A4%A')).status).toBe(404);

    for (const actor of [s.w.reader, s.w.clerk, s.w.prosecutor, s.w.head]) {
      const response = await s.get(actor, piece!.downloadPath);
      expect(response.status).toBe(200);
      expect(Buffer.from(await response.arrayBuffer()).equals(content)).toBe(true);
    }
    // Par le cookie de session, comme GraphQL.
    const byCookie = await s.get(null, piece!.downloadPath, { cookie: `ip_session=${encodeURIComponent(s.w.clerk.token)}` });
    expect(byCookie.status).toBe(200);
    await byCookie.arrayBuffer();
    const events = await t.prisma.auditEvent.findMany({ where: { action: 'PIECE_DOWNLOADED' }, orderBy: { id: 'asc' } });
    expect(events.map((event) => event.actorId)).toEqual([s.w.reader, s.w.clerk, s.w.prosecutor, s.w.head, s.w.clerk].map((actor) => actor.user.id));
    expect(events[1]).toMatchObject({ organizationId: s.w.parquet.id, parquetId: s.w.parquet.id, internal: true });
  });
});

describe('après la transmission : compléments datés, pièces des messages, notes internes', () => {
  it('les compléments sont marqués et datés ; l’accusé de réception ne cite que les pièces transmises', async () => {
    const s = await setup();
    const id = await createDraft(s.w.agent, s.w.parquet.code);
    const original = { name: 'PV de constat.pdf', content: randomBytes(12_345) };
    await s.uploaded(s.w.agent, id, [original]);
    await transmitDraft(s.w.agent, id);
    const transmittedAt = new Date((await s.gql(s.w.agent, `query($id: ID!) { signalement(id: $id) { transmittedAt } }`, { id })).data.signalement.transmittedAt);

    const addition = { name: 'Complément photo.jpg', content: randomBytes(4321) };
    const [added] = await s.uploaded(s.w.manager, id, [addition]);
    expect(added).toMatchObject({ filename: addition.name, addedAfterTransmission: true, sha256: sha256(addition.content) });
    expect(new Date(added!.createdAt).getTime()).toBeGreaterThanOrEqual(transmittedAt.getTime());

    const seen = await piecesSeenBy(s, s.w.clerk, id);
    expect(seen.pieces.map((piece) => [piece.filename, piece.addedAfterTransmission])).toEqual([
      [original.name, false],
      [addition.name, true],
    ]);

    const proof = await s.get(s.w.agent, `/documents/signalements/${encodeURIComponent(id)}/accuse-de-reception.pdf`);
    expect(proof.status).toBe(200);
    const text = await pdfText(Buffer.from(await proof.arrayBuffer()));
    expect(text).toContain(`1. ${original.name} — 12 345 octets`);
    expect(text).toContain(`SHA-256 : ${sha256(original.content)}`);
    expect(text).not.toContain(addition.name);
    expect(text).not.toContain(sha256(addition.content));
  });

  it('le parquet joint des pièces à ses messages ; l’administration ne voit jamais celles d’une note interne (liste, téléchargement, ZIP)', async () => {
    const s = await setup();
    const id = await createDraft(s.w.agent, s.w.parquet.code);
    const deposited = { name: 'photo.jpg', content: randomBytes(3000) };
    await s.uploaded(s.w.agent, id, [deposited]);
    await transmitDraft(s.w.agent, id);
    const messages = await withParquetMessages(s.w, id);

    const secret = { name: 'antécédents.pdf', content: randomBytes(2500) };
    const [notePiece] = await s.uploaded(s.w.clerk, id, [secret], { message: messages.note });
    const requested = { name: 'modèle de réponse.pdf', content: randomBytes(1500) };
    const [requestPiece] = await s.uploaded(s.w.prosecutor, id, [requested], { message: messages.request });
    // L'autre parquet, un magistrat d'ailleurs : la note n'est pas la sienne, le signalement non plus.
    expect((await s.upload(s.w.otherProsecutor, id, [pdf('x.pdf')], { message: messages.note })).status).toBe(404);

    // Le parquet voit tout, dans l'ordre du dépôt.
    const parquetView = await piecesSeenBy(s, s.w.head, id);
    expect(parquetView.pieces.map((piece) => [piece.filename, piece.message?.kind ?? null])).toEqual([
      [deposited.name, null],
      [secret.name, 'INTERNAL_NOTE'],
      [requested.name, 'INFORMATION_REQUEST'],
    ]);
    expect(parquetView.piecesUploadPath).toBeNull();

    // L'administration : ni dans la liste, ni par identifiant (404 comme une pièce inexistante), ni dans l'archive.
    for (const actor of [s.w.agent, s.w.reader]) {
      const view = await piecesSeenBy(s, actor, id);
      expect(view.pieces.map((piece) => piece.filename)).toEqual([deposited.name, requested.name]);
      const messagesView = await s.gql(actor, `query($id: ID!) { signalement(id: $id) { messages { kind pieces { filename } } } }`, { id });
      expect(messagesView.data.signalement.messages).toEqual([{ kind: 'INFORMATION_REQUEST', pieces: [{ filename: requested.name }] }]);
      const direct = await s.get(actor, notePiece!.downloadPath);
      expect(direct.status).toBe(404);
      expect(await direct.json()).toEqual({ code: 'NOT_FOUND', error: 'Pièce introuvable.' });
      const zip = await s.get(actor, `/documents/signalements/${encodeURIComponent(id)}/pieces.zip`);
      expect((await unzip(Buffer.from(await zip.arrayBuffer()))).map(([name]) => name)).toEqual([deposited.name, requested.name]);
    }
    const forParquet = await s.get(s.w.clerk, `/documents/signalements/${encodeURIComponent(id)}/pieces.zip`);
    expect((await unzip(Buffer.from(await forParquet.arrayBuffer()))).map(([name]) => name)).toEqual([deposited.name, secret.name, requested.name]);

    // Au journal, le dépôt sur la note interne est interne (les écrans de l'administration ne le reçoivent pas).
    const events = await t.prisma.auditEvent.findMany({ where: { action: 'PIECE_ADDED', organizationId: s.w.parquet.id }, orderBy: { id: 'asc' } });
    expect(events.map((event) => [event.targetId, event.internal, event.parquetId, event.administrationId])).toEqual([
      [internal(notePiece!.id), true, s.w.parquet.id, s.w.administration.id],
      [internal(requestPiece!.id), false, s.w.parquet.id, s.w.administration.id],
    ]);
  });
});

describe('toutes les pièces en une archive (GET /documents/signalements/<id>/pieces.zip)', () => {
  it('401 sans authentification, 404 hors périmètre ; les pièces visibles, octets identiques, noms en double numérotés, un seul événement au journal', async () => {
    const s = await setup();
    const id = await createDraft(s.w.agent, s.w.parquet.code, {});
    const zipPath = `/documents/signalements/${encodeURIComponent(id)}/pieces.zip`;
    const files = [
      { name: 'photo.jpg', content: randomBytes(200_000) },
      { name: 'Procès-verbal n°1.pdf', content: randomBytes(1000) },
      { name: 'photo.jpg', content: randomBytes(3000) },
    ];
    await s.uploaded(s.w.agent, id, files.slice(0, 2));
    await s.uploaded(s.w.agent, id, files.slice(2));
    const reference = await transmitDraft(s.w.agent, id);

    expect((await s.get(null, zipPath)).status).toBe(401);
    for (const actor of [s.w.otherAgent, s.w.otherClerk, s.w.platformAdmin]) {
      const response = await s.get(actor, zipPath);
      expect(response.status).toBe(404);
      expect(await response.json()).toEqual({ code: 'NOT_FOUND', error: 'Signalement introuvable.' });
    }

    const response = await s.get(s.w.clerk, zipPath);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/zip');
    expect(response.headers.get('content-disposition')).toBe(`attachment; filename="pieces-${reference}.zip"`);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const entries = await unzip(Buffer.from(await response.arrayBuffer()));
    expect(entries.map(([name]) => name)).toEqual(['photo.jpg', 'Procès-verbal n°1.pdf', 'photo (2).jpg']);
    for (const [index, [, content]] of entries.entries()) expect(sha256(content)).toBe(sha256(files[index]!.content));

    const events = await t.prisma.auditEvent.findMany({ where: { action: 'PIECES_DOWNLOADED' } });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ actorId: s.w.clerk.user.id, internal: true, after: { format: 'zip' } });
    expect((events[0]!.after as { pieceIds: string[] }).pieceIds).toHaveLength(3);
  });

  it('sans pièce : une archive vide et valide', async () => {
    const s = await setup();
    const id = await createDraft(s.w.agent, s.w.parquet.code);
    const response = await s.get(s.w.agent, `/documents/signalements/${encodeURIComponent(id)}/pieces.zip`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-disposition')).toBe('attachment; filename="pieces-brouillon.zip"');
    expect(await unzip(Buffer.from(await response.arrayBuffer()))).toEqual([]);
  });
});

describe('deletePiece', () => {
  const DELETE = `mutation($id: ID!) { deletePiece(id: $id) { id pieces { filename } } }`;

  it('sans session, hors périmètre, lecteur, parquet, après transmission : refusé ; l’agent retire une pièce du brouillon, le fichier avec', async () => {
    const s = await setup();
    const id = await createDraft(s.w.agent, s.w.parquet.code);
    const [kept, removed] = await s.uploaded(s.w.agent, id, [pdf('garder.pdf'), pdf('retirer.pdf')]);

    const anonymous = await httpClient(s.api.url, null).gql(DELETE, { id: removed!.id });
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const other = await s.gql(s.w.otherAgent, DELETE, { id: removed!.id });
    expect(other.errors?.[0]).toMatchObject({ message: 'Pièce introuvable.', extensions: { code: 'NOT_FOUND' } });
    for (const actor of [s.w.reader, s.w.clerk]) {
      expect((await s.gql(actor, DELETE, { id: removed!.id })).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    }
    expect(await s.storedFiles()).toHaveLength(2);

    const deleted = await s.gql(s.w.agent, DELETE, { id: removed!.id });
    expect(deleted.errors).toBeUndefined();
    expect(deleted.data.deletePiece).toEqual({ id, pieces: [{ filename: 'garder.pdf' }] });
    expect(await s.storedFiles()).toHaveLength(1);
    expect((await s.get(s.w.agent, removed!.downloadPath)).status).toBe(404);
    const event = await t.prisma.auditEvent.findFirstOrThrow({ where: { action: 'PIECE_DELETED' } });
    expect(event).toMatchObject({ actorId: s.w.agent.user.id, targetId: internal(removed!.id), before: { filename: 'retirer.pdf', sha256: removed!.sha256 } });

    await transmitDraft(s.w.agent, id);
    const afterTransmission = await s.gql(s.w.manager, DELETE, { id: kept!.id });
    expect(afterTransmission.errors?.[0]).toMatchObject({
      message: 'Impossible de retirer une pièce au statut « Transmis » : une pièce déposée reste ; seules celles d’un brouillon se retirent.',
      extensions: { code: 'INVALID_TRANSITION' },
    });
    expect(await s.storedFiles()).toHaveLength(1);
    expect(await t.prisma.piece.count()).toBe(1);
  });
});

describe('deleteSignalement', () => {
  it('supprimer un brouillon efface aussi les fichiers de ses pièces, et d’elles seules', async () => {
    const s = await setup();
    const draft = await createDraft(s.w.agent, s.w.parquet.code);
    const other = await createDraft(s.w.agent, s.w.parquet.code);
    await s.uploaded(s.w.agent, draft, [pdf('pv-1.pdf'), pdf('pv-2.pdf')]);
    await s.uploaded(s.w.agent, other, [pdf('pv-autre.pdf')]);
    expect(await s.storedFiles()).toHaveLength(3);

    const deleted = await s.gql(s.w.agent, `mutation($id: ID!) { deleteSignalement(id: $id) { id } }`, { id: draft });
    expect(deleted.errors).toBeUndefined();
    expect(await t.prisma.piece.count()).toBe(1);
    const [remaining] = await t.prisma.piece.findMany({ select: { storageKey: true } });
    expect(await s.storedFiles()).toEqual([expect.stringContaining(remaining!.storageKey)]);
  });
});

describe('une pièce ajoutée est un événement du flux (et du direct), dans le périmètre de chacun', () => {
  const FEED = `query { events(first: 100) { edges { node { kind reference } } } }`;
  const kinds = async (s: Setup, actor: Actor) =>
    ((await s.gql(actor, FEED)).data!.events.edges as { node: { kind: string } }[]).map((edge) => edge.node.kind);

  it('pièce du brouillon : l’administration seule ; complément : les deux ; pièce d’une note interne : le parquet seul', async () => {
    const s = await setup();
    const id = await createDraft(s.w.agent, s.w.parquet.code);
    await s.uploaded(s.w.agent, id, [pdf('brouillon.pdf')]);
    expect((await kinds(s, s.w.agent)).filter((kind) => kind === 'PIECE_ADDED')).toHaveLength(1);

    await transmitDraft(s.w.agent, id);
    expect(await kinds(s, s.w.clerk)).toEqual(['TRANSMITTED']);
    await s.uploaded(s.w.agent, id, [pdf('complement.pdf')]);
    expect(await kinds(s, s.w.clerk)).toEqual(['TRANSMITTED', 'PIECE_ADDED']);

    const { note } = await withParquetMessages(s.w, id);
    await s.uploaded(s.w.clerk, id, [pdf('interne.pdf')], { message: note });
    expect((await kinds(s, s.w.clerk)).filter((kind) => kind === 'PIECE_ADDED')).toHaveLength(2);
    expect((await kinds(s, s.w.agent)).filter((kind) => kind === 'PIECE_ADDED')).toHaveLength(2);
    expect(await kinds(s, s.w.otherAgent)).toEqual([]);
    expect(await kinds(s, s.w.otherClerk)).toEqual([]);
  });
});

describe('envois abandonnés', () => {
  it('au démarrage, une instance efface les envois partiels vieux de plus d’un jour, jamais un envoi en cours ni une pièce', async () => {
    const root = await mkdtemp(path.join(tmpdir(), 'ip-pieces-abandon-'));
    try {
      // Ce qu'aurait laissé une instance tuée en plein envoi il y a deux jours, un envoi en cours
      // sur une autre instance, et une pièce stockée depuis longtemps.
      const partials = path.join(root, '.tmp');
      const stored = path.join(root, '0a', '0a000000-0000-4000-8000-000000000000');
      await mkdir(partials, { recursive: true });
      await mkdir(path.dirname(stored), { recursive: true });
      const twoDaysAgo = new Date(Date.now() - 2 * 24 * 3600_000);
      for (const [file, date] of [
        [path.join(partials, 'abandonne.part'), twoDaysAgo],
        [path.join(partials, 'en-cours.part'), new Date()],
        [stored, twoDaysAgo],
      ] as const) {
        await writeFile(file, randomBytes(1024));
        await utimes(file, date, date);
      }
      await startInstance({ STORAGE_DIR: root });
      // Le nettoyage part au démarrage, sans le retarder : on attend qu'il ait fini (5 s au plus).
      let left = await readdir(partials);
      for (const started = Date.now(); left.length > 1 && Date.now() - started < 5000; left = await readdir(partials)) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(left).toEqual(['en-cours.part']);
      expect(await readdir(path.dirname(stored))).toEqual([path.basename(stored)]);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
