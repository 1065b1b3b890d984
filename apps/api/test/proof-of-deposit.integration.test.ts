import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { pdfText } from './pdf-text.js';
import { formatParisDateTime } from '../src/domains/documents/official-pdf.js';
import { createDraft, createWorld, setupIntegration, transmitDraft, type Actor } from './helpers.js';
import { startInstance } from './realtime-helpers.js';

const t = setupIntegration();

/** Un signalement transmis, son URL lue par GraphQL, et un serveur HTTP réel pour la télécharger. */
async function transmitted() {
  const w = await createWorld(t);
  const id = await createDraft(w.agent, w.parquet.code, { title: 'Tromperie sur l’origine de fromages' });
  const reference = await transmitDraft(w.agent, id);
  const api = await startInstance();
  const read = await w.agent.client.gql(`query($id: ID!) { signalement(id: $id) { proofOfDepositUrl transmittedAt contentHash } }`, { id });
  const signalement = read.data!.signalement as { proofOfDepositUrl: string; transmittedAt: string; contentHash: string };
  const base = api.url.replace(/\/graphql$/, '');
  const download = (actor: Actor | null, path = signalement.proofOfDepositUrl, headers: Record<string, string> = {}) =>
    fetch(`${base}${path}`, { headers: { ...(actor ? { authorization: `Bearer ${actor.token}` } : {}), ...headers } });
  return { w, id, reference, signalement, base, download };
}

describe('accusé de réception (GET /documents/signalements/…/accuse-de-reception.pdf)', () => {
  it('sans authentification : 401', async () => {
    const { download } = await transmitted();
    const response = await download(null);
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ code: 'UNAUTHENTICATED' });
    const badToken = await download(null, undefined, { authorization: 'Bearer jeton-inconnu' });
    expect(badToken.status).toBe(401);
  });

  it('une autre administration, un autre parquet, l’opérateur, un inconnu : 404 comme pour un identifiant inexistant', async () => {
    const { w, download, base } = await transmitted();
    for (const actor of [w.otherAgent, w.otherClerk, w.platformAdmin]) {
      const response = await download(actor);
      expect(response.status).toBe(404);
      expect(await response.json()).toEqual({ code: 'NOT_FOUND', error: 'Signalement introuvable.' });
    }
    const unknown = Buffer.from('Signalement:00000000-0000-4000-8000-000000000000').toString('base64');
    expect((await download(w.agent, `/documents/signalements/${encodeURIComponent(unknown)}/accuse-de-reception.pdf`)).status).toBe(404);
    expect((await download(w.agent, '/documents/signalements/n%27importe-quoi/accuse-de-reception.pdf')).status).toBe(404);
    expect((await fetch(`${base}/documents/autre-chose`, { headers: { authorization: `Bearer ${w.agent.token}` } })).status).toBe(404);
  });

  it('un brouillon : 409 pour son administration, 404 pour le parquet ; pas d’URL dans GraphQL', async () => {
    const w = await createWorld(t);
    const id = await createDraft(w.agent, w.parquet.code);
    const read = await w.agent.client.gql(`query($id: ID!) { signalement(id: $id) { proofOfDepositUrl } }`, { id });
    expect(read.data!.signalement.proofOfDepositUrl).toBeNull();
    const api = await startInstance();
    const url = `${api.url.replace(/\/graphql$/, '')}/documents/signalements/${encodeURIComponent(id)}/accuse-de-reception.pdf`;
    const forAgent = await fetch(url, { headers: { authorization: `Bearer ${w.agent.token}` } });
    expect(forAgent.status).toBe(409);
    expect(await forAgent.json()).toEqual({ code: 'CONFLICT', error: 'Le signalement n’a pas encore été transmis.' });
    expect((await fetch(url, { headers: { authorization: `Bearer ${w.clerk.token}` } })).status).toBe(404);
  });

  it('l’administration et le parquet destinataire le téléchargent ; contenu, octets identiques, journal', async () => {
    const { w, id, reference, signalement, download } = await transmitted();
    const internal = Buffer.from(id, 'base64').toString().split(':')[1]!;
    const agent = await t.prisma.user.findUniqueOrThrow({ where: { id: w.agent.user.id } });

    const response = await download(w.agent);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/pdf');
    expect(response.headers.get('content-disposition')).toBe(`attachment; filename="accuse-de-reception-${reference}.pdf"`);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const pdf = Buffer.from(await response.arrayBuffer());

    const text = await pdfText(pdf);
    expect(text).toContain('Accusé de réception d’un signalement (article 40 du code de procédure pénale)');
    expect(text).toContain(reference);
    const transmittedAt = new Date(signalement.transmittedAt);
    expect(text).toContain(formatParisDateTime(transmittedAt));
    expect(formatParisDateTime(transmittedAt)).toMatch(/^\d{1,2}(er)? \S+ \d{4} à \d{2}:\d{2}:\d{2} \(heure de Paris\)$/);
    expect(text).toContain(w.administration.name);
    expect(text).toContain(`${agent.firstName} ${agent.lastName}`);
    expect(text).toContain(w.parquet.name);
    expect(text).toContain('Tromperie sur l’origine de fromages');
    expect(text).toContain('Aucune pièce jointe.');
    expect(text).toContain(signalement.contentHash);

    // Le manager, le lecteur et chaque rôle du parquet destinataire : le même document, octet pour octet.
    for (const actor of [w.agent, w.manager, w.reader, w.clerk, w.prosecutor, w.head]) {
      const again = await download(actor);
      expect(again.status).toBe(200);
      expect(Buffer.from(await again.arrayBuffer()).equals(pdf)).toBe(true);
    }

    const events = await t.prisma.auditEvent.findMany({ where: { signalementId: internal, action: 'DOCUMENT_DOWNLOADED' }, orderBy: { id: 'asc' } });
    expect(events).toHaveLength(7);
    expect(events[0]).toMatchObject({ actorId: w.agent.user.id, organizationId: w.administration.id, internal: true, after: { document: 'PROOF_OF_DEPOSIT' } });
    expect(events[5]).toMatchObject({ actorId: w.prosecutor.user.id, organizationId: w.parquet.id });
  });

  it('par le cookie de session, comme GraphQL', async () => {
    const { w, download } = await transmitted();
    const response = await download(null, undefined, { cookie: `ip_session=${encodeURIComponent(w.clerk.token)}` });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/pdf');
  });

  it('après un transfert : le parquet d’origine est cité, le nouveau aussi ; l’ancien ne le voit plus', async () => {
    const { w, id, download } = await transmitted();
    const transfer = await w.clerk.client.gql(
      `mutation($id: ID!, $p: String!, $r: String!) { transferSignalement(id: $id, parquetCode: $p, reason: $r) { id } }`,
      { id, p: w.otherParquet.code, r: 'Faits commis dans le ressort voisin.' },
    );
    expect(transfer.errors).toBeUndefined();
    expect((await download(w.clerk)).status).toBe(404);
    const response = await download(w.otherClerk);
    expect(response.status).toBe(200);
    const text = await pdfText(Buffer.from(await response.arrayBuffer()));
    expect(text).toContain(`${w.parquet.name}, transféré depuis au ${w.otherParquet.name}`);
  });

  it('cite les pièces transmises avec le signalement (nom, taille, SHA-256), dans l’ordre du dépôt, et jamais les compléments', async () => {
    const w = await createWorld(t);
    const id = await createDraft(w.agent, w.parquet.code);
    const storageDir = await mkdtemp(path.join(tmpdir(), 'infoparquet-accuse-'));
    try {
      const api = await startInstance({ STORAGE_DIR: storageDir });
      const base = api.url.replace(/\/graphql$/, '');
      const upload = async (files: { name: string; content: Buffer }[]) => {
        const form = new FormData();
        for (const file of files) form.append('file', new Blob([new Uint8Array(file.content)]), file.name);
        const response = await fetch(`${base}/documents/signalements/${encodeURIComponent(id)}/pieces`, {
          method: 'POST',
          headers: { authorization: `Bearer ${w.agent.token}` },
          body: form,
        });
        expect(response.status).toBe(201);
      };
      const files = [
        { name: 'Procès-verbal de constat n° 2026-118.pdf', content: randomBytes(123_456) },
        { name: 'photo étiquette.jpg', content: randomBytes(2048) },
        { name: 'analyses.xlsx', content: randomBytes(1) },
      ];
      await upload(files.slice(0, 2));
      await upload(files.slice(2));
      await transmitDraft(w.agent, id);
      const addition = { name: 'complément.pdf', content: randomBytes(999) };
      await upload([addition]);

      const response = await fetch(`${base}/documents/signalements/${encodeURIComponent(id)}/accuse-de-reception.pdf`, {
        headers: { authorization: `Bearer ${w.clerk.token}` },
      });
      expect(response.status).toBe(200);
      const text = await pdfText(Buffer.from(await response.arrayBuffer()));
      const hash = (content: Buffer) => createHash('sha256').update(content).digest('hex');
      const listing = text.slice(text.indexOf('Pièces transmises'), text.indexOf('Empreinte SHA-256 du contenu transmis'));
      expect(listing).toBe(
        'Pièces transmises ' +
          `1. Procès-verbal de constat n° 2026-118.pdf — 123 456 octets SHA-256 : ${hash(files[0]!.content)} ` +
          `2. photo étiquette.jpg — 2 048 octets SHA-256 : ${hash(files[1]!.content)} ` +
          `3. analyses.xlsx — 1 octet SHA-256 : ${hash(files[2]!.content)} `,
      );
      expect(text).not.toContain('Aucune pièce jointe.');
      expect(text).not.toContain(addition.name);
    } finally {
      await rm(storageDir, { recursive: true, force: true });
    }
  });
});
