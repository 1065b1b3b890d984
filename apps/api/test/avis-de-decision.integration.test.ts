import { describe, expect, it } from 'vitest';
import { pdfText } from './pdf-text.js';
import { formatParisDateTime } from '../src/domains/documents/official-pdf.js';
import { createDraft, createWorld, gqlOk, setupIntegration, transmitDraft, type Actor } from './helpers.js';
import { startInstance } from './realtime-helpers.js';

const t = setupIntegration();

const REASONS = 'Les constatations ne caractérisent pas l’élément intentionnel.\nLe professionnel a retiré les produits de la vente.';
const DECISION_FIELDS = 'id kind decidedAt avisUrl avisAvailableAt avisReadAt avisReadBy { id displayName }';

/** Un signalement transmis et enregistré, et un serveur HTTP réel pour télécharger l'avis. */
async function registered() {
  const w = await createWorld(t);
  const id = await createDraft(w.agent, w.parquet.code, { title: 'Tromperie sur l’origine de fromages' });
  const reference = await transmitDraft(w.agent, id);
  await gqlOk(w.clerk, `mutation($id: ID!) { registerSignalement(id: $id) { id } }`, { id });
  const api = await startInstance();
  const base = api.url.replace(/\/graphql$/, '');
  const path = `/documents/signalements/${encodeURIComponent(id)}/avis-de-decision.pdf`;
  const download = (actor: Actor | null, url = path, headers: Record<string, string> = {}) =>
    fetch(`${base}${url}`, { headers: { ...(actor ? { authorization: `Bearer ${actor.token}` } : {}), ...headers } });
  const decide = (actor: Actor, input: Record<string, unknown>) =>
    gqlOk(actor, `mutation($id: ID!, $input: DecisionInput!) { decideSignalement(id: $id, input: $input) { decision { ${DECISION_FIELDS} } } }`, {
      id,
      input,
    });
  const readDecision = async (actor: Actor) =>
    (await gqlOk(actor, `query($id: ID!) { signalement(id: $id) { decision { ${DECISION_FIELDS} } } }`, { id })).signalement.decision;
  return { w, id, reference, path, download, decide, readDecision };
}

async function dismissed() {
  const ctx = await registered();
  const decided = await ctx.decide(ctx.w.prosecutor, { kind: 'DISMISSAL', dismissalReasonCode: '21', reasons: REASONS });
  return { ...ctx, decision: decided.decideSignalement.decision };
}

describe('avis de décision (GET /documents/signalements/…/avis-de-decision.pdf)', () => {
  it('sans authentification : 401', async () => {
    const { download } = await dismissed();
    const response = await download(null);
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ code: 'UNAUTHENTICATED' });
    expect((await download(null, undefined, { authorization: 'Bearer jeton-inconnu' })).status).toBe(401);
  });

  it('une autre administration, un autre parquet, l’opérateur : 404 comme pour un identifiant inexistant', async () => {
    const { w, download } = await dismissed();
    for (const actor of [w.otherAgent, w.otherClerk, w.otherProsecutor, w.platformAdmin]) {
      const response = await download(actor);
      expect(response.status).toBe(404);
      expect(await response.json()).toEqual({ code: 'NOT_FOUND', error: 'Signalement introuvable.' });
    }
    const unknown = Buffer.from('Signalement:00000000-0000-4000-8000-000000000000').toString('base64');
    expect((await download(w.agent, `/documents/signalements/${encodeURIComponent(unknown)}/avis-de-decision.pdf`)).status).toBe(404);
    const decision = await t.prisma.decision.findFirstOrThrow();
    expect(decision.avisReadAt).toBeNull();
  });

  it('avant la décision, et après une réouverture : 409 ; pas de décision dans GraphQL', async () => {
    const { w, id, download, decide, readDecision } = await registered();
    const before = await download(w.agent);
    expect(before.status).toBe(409);
    expect(await before.json()).toMatchObject({ code: 'CONFLICT' });
    expect((await download(w.clerk)).status).toBe(409);
    expect(await readDecision(w.agent)).toBeNull();

    await decide(w.prosecutor, { kind: 'PROSECUTION', reasons: 'Citation directe devant le tribunal correctionnel.' });
    expect((await download(w.agent)).status).toBe(200);
    await gqlOk(w.prosecutor, `mutation($id: ID!, $r: String!) { reopenSignalement(id: $id, reason: $r) { id } }`, { id, r: 'Faits nouveaux.' });
    expect((await download(w.agent)).status).toBe(409);
  });

  it('classement sans suite : l’agent télécharge l’avis ; contenu, première lecture visible du parquet, octets identiques', async () => {
    const { w, id, reference, path, download, decision, readDecision } = await dismissed();
    const internal = Buffer.from(id, 'base64').toString().split(':')[1]!;
    expect(decision).toMatchObject({ kind: 'DISMISSAL', avisUrl: path, avisAvailableAt: decision.decidedAt, avisReadAt: null, avisReadBy: null });
    const prosecutor = await t.prisma.user.findUniqueOrThrow({ where: { id: w.prosecutor.user.id } });

    // Le parquet télécharge d'abord : ce n'est pas une lecture par l'administration.
    const byParquet = await download(w.clerk);
    expect(byParquet.status).toBe(200);
    const pdf = Buffer.from(await byParquet.arrayBuffer());
    expect((await readDecision(w.clerk)).avisReadAt).toBeNull();

    const response = await download(w.agent);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/pdf');
    expect(response.headers.get('content-disposition')).toBe(`attachment; filename="avis-de-decision-${reference}.pdf"`);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const agentPdf = Buffer.from(await response.arrayBuffer());
    expect(agentPdf.equals(pdf)).toBe(true);

    const text = await pdfText(agentPdf);
    expect(text).toContain('Avis de décision du procureur de la République (article 40-2 du code de procédure pénale)');
    expect(text).toContain(reference);
    expect(text).toContain(w.parquet.name);
    expect(text).toContain(w.administration.name);
    expect(text).toContain('Tromperie sur l’origine de fromages');
    expect(text).toContain('Classement sans suite');
    expect(text).toContain(formatParisDateTime(new Date(decision.decidedAt)));
    expect(text).toContain(`${prosecutor.firstName} ${prosecutor.lastName}`);
    expect(text).toContain('21 — Infraction insuffisamment caractérisée');
    expect(text).toContain(REASONS.replace(/\s+/g, ' '));

    // Première lecture : notée, et lue par le parquet (le greffier) dans GraphQL.
    const stored = await t.prisma.decision.findUniqueOrThrow({ where: { id: decision.id } });
    expect(stored.avisReadById).toBe(w.agent.user.id);
    expect(stored.avisReadAt).not.toBeNull();
    const agentUser = await t.prisma.user.findUniqueOrThrow({ where: { id: w.agent.user.id } });
    const seenByClerk = await readDecision(w.clerk);
    expect(seenByClerk.avisReadAt).toBe(stored.avisReadAt!.toISOString());
    expect(seenByClerk.avisReadBy.displayName).toContain(agentUser.lastName);

    // Un deuxième téléchargement de l'administration (un autre membre) garde la première date.
    await new Promise((resolve) => setTimeout(resolve, 20));
    const second = await download(w.manager);
    expect(Buffer.from(await second.arrayBuffer()).equals(pdf)).toBe(true);
    const after = await t.prisma.decision.findUniqueOrThrow({ where: { id: decision.id } });
    expect(after.avisReadAt).toEqual(stored.avisReadAt);
    expect(after.avisReadById).toBe(w.agent.user.id);

    const events = await t.prisma.auditEvent.findMany({ where: { signalementId: internal, action: 'DOCUMENT_DOWNLOADED' }, orderBy: { id: 'asc' } });
    expect(events.map((e) => [e.actorId, e.after])).toEqual([
      [w.clerk.user.id, { document: 'AVIS_DE_DECISION', decisionId: decision.id }],
      [w.agent.user.id, { document: 'AVIS_DE_DECISION', decisionId: decision.id, firstReading: true }],
      [w.manager.user.id, { document: 'AVIS_DE_DECISION', decisionId: decision.id, firstReading: false }],
    ]);
  });

  it('réouverte puis décidée de nouveau : un avis par décision, l’ancien par ?decision=', async () => {
    const { w, id, path, download, decision: first, decide } = await dismissed();
    await gqlOk(w.prosecutor, `mutation($id: ID!, $r: String!) { reopenSignalement(id: $id, reason: $r) { id } }`, { id, r: 'Faits nouveaux.' });
    const second = (await decide(w.head, { kind: 'PROSECUTION', reasons: 'Citation directe devant le tribunal correctionnel.' })).decideSignalement.decision;
    expect(second.avisUrl).toBe(path);

    const current = await pdfText(Buffer.from(await (await download(w.agent)).arrayBuffer()));
    expect(current).toContain('Poursuites engagées');
    expect(current).not.toContain('Classement sans suite');

    const list = await gqlOk(w.agent, `query($id: ID!) { signalement(id: $id) { decisions { id avisUrl avisReadAt } } }`, { id });
    expect(list.signalement.decisions).toEqual([
      { id: first.id, avisUrl: `${path}?decision=${first.id}`, avisReadAt: null },
      { id: second.id, avisUrl: path, avisReadAt: expect.any(String) },
    ]);
    const old = await download(w.agent, `${path}?decision=${first.id}`);
    expect(old.status).toBe(200);
    expect(await pdfText(Buffer.from(await old.arrayBuffer()))).toContain('Classement sans suite');
    expect((await t.prisma.decision.findUniqueOrThrow({ where: { id: first.id } })).avisReadById).toBe(w.agent.user.id);

    // Une décision d'un autre signalement, ou un identifiant quelconque : introuvable.
    const otherId = await createDraft(w.agent, w.parquet.code);
    await transmitDraft(w.agent, otherId);
    await gqlOk(w.clerk, `mutation($id: ID!) { registerSignalement(id: $id) { id } }`, { id: otherId });
    const otherDecision = (
      await gqlOk(w.prosecutor, `mutation($id: ID!, $input: DecisionInput!) { decideSignalement(id: $id, input: $input) { decision { id } } }`, {
        id: otherId,
        input: { kind: 'PROSECUTION', reasons: 'Citation directe.' },
      })
    ).decideSignalement.decision;
    expect((await download(w.agent, `${path}?decision=${otherDecision.id}`)).status).toBe(404);
    expect((await download(w.agent, `${path}?decision=n-importe-quoi`)).status).toBe(404);
  });

  it('par le cookie de session, comme GraphQL', async () => {
    const { w, download } = await dismissed();
    const response = await download(null, undefined, { cookie: `ip_session=${encodeURIComponent(w.reader.token)}` });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/pdf');
    expect((await t.prisma.decision.findFirstOrThrow()).avisReadById).toBe(w.reader.user.id);
  });
});
