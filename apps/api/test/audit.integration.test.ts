import { describe, expect, it } from 'vitest';
import { auditEventHash, auditPayloadDigest, GENESIS_HASH, verifyAuditChain } from '../src/domains/audit/chain.js';
import { createDraft, createWorld, gqlOk, runApiScript, setupIntegration, transmitDraft, uuidOf, type World } from './helpers.js';

const t = setupIntegration();

/** Création, transmission, enregistrement, décision, puis une consultation du détail par l'agent. */
async function lifecycleWithRead(w: World) {
  const id = await createDraft(w.agent, w.parquet.code);
  const reference = await transmitDraft(w.agent, id);
  await gqlOk(w.clerk, `mutation($id: ID!) { registerSignalement(id: $id, parquetNumber: "26072000001") { id } }`, { id });
  await gqlOk(w.prosecutor, `mutation($id: ID!, $input: DecisionInput!) { decideSignalement(id: $id, input: $input) { id } }`, {
    id,
    input: { kind: 'DISMISSAL', dismissalReasonCode: '21', reasons: 'Infraction insuffisamment caractérisée.' },
  });
  await gqlOk(w.agent, `query($id: ID!) { signalement(id: $id) { status } }`, { id });
  return { id: uuidOf(id), reference };
}

const auditRows = () => t.prisma.auditEvent.findMany({ orderBy: { id: 'asc' } });

/** Lance la vraie commande de vérification, comme l'exploitant, sur la base de test. */
const runAuditVerify = () => runApiScript('src/scripts/audit-verify.ts');

/** Modifie une ligne du journal en contournant le déclencheur, comme le ferait un administrateur de la base. */
async function tamper(sql: string) {
  // Le DDL de PostgreSQL est transactionnel : le déclencheur n'est jamais désactivé aux yeux des autres connexions.
  await t.prisma.$transaction([
    t.prisma.$executeRawUnsafe('ALTER TABLE audit_event DISABLE TRIGGER audit_event_no_update'),
    t.prisma.$executeRawUnsafe(sql),
    t.prisma.$executeRawUnsafe('ALTER TABLE audit_event ENABLE TRIGGER audit_event_no_update'),
  ]);
}

describe('journal d’audit', () => {
  it('chaque écriture et la lecture du détail laissent un événement, chaîné au précédent', async () => {
    const w = await createWorld(t);
    const { id, reference } = await lifecycleWithRead(w);

    const rows = await auditRows();
    // Le vocabulaire des actions est celui de SIGNALEMENT_CREATED / _TRANSMITTED / _VIEWED : un fait accompli.
    expect.soft(rows.map((row) => row.action)).toEqual([
      'SIGNALEMENT_CREATED',
      'SIGNALEMENT_TRANSMITTED',
      'SIGNALEMENT_REGISTERED',
      'SIGNALEMENT_DECIDED',
      'SIGNALEMENT_VIEWED',
    ]);
    const [created, transmitted, registered, decided, viewed] = rows;
    for (const row of rows) expect(row).toMatchObject({ targetType: 'Signalement', targetId: id, signalementId: id, administrationId: w.administration.id });

    expect(created).toMatchObject({ actorId: w.agent.user.id, organizationId: w.administration.id, parquetId: null, internal: false, before: null });
    expect(created!.after).toMatchObject({ status: 'DRAFT', title: 'Tromperie sur la marchandise', parquetCode: w.parquet.code });

    expect(transmitted).toMatchObject({
      actorId: w.agent.user.id,
      organizationId: w.administration.id,
      parquetId: w.parquet.id,
      before: { status: 'DRAFT' },
      after: { status: 'TRANSMITTED', reference, urgent: false },
    });
    const signalement = await t.prisma.signalement.findUniqueOrThrow({ where: { id } });
    expect(transmitted!.after).toMatchObject({ contentHash: signalement.contentHash, transmittedAt: signalement.transmittedAt!.toISOString() });

    expect(registered).toMatchObject({
      actorId: w.clerk.user.id,
      organizationId: w.parquet.id,
      parquetId: w.parquet.id,
      before: { status: 'TRANSMITTED', parquetNumber: null, registeredAt: null },
      after: { status: 'REGISTERED', parquetNumber: '26072000001', registeredAt: signalement.registeredAt!.toISOString() },
    });

    const decision = await t.prisma.decision.findFirstOrThrow({ where: { signalementId: id } });
    expect(decided).toMatchObject({
      actorId: w.prosecutor.user.id,
      organizationId: w.parquet.id,
      before: { status: 'REGISTERED' },
      after: { status: 'DECIDED', kind: 'DISMISSAL', dismissalReasonCode: '21', decisionId: decision.id },
    });

    // La consultation est consignée comme une écriture, sans avant/après.
    expect(viewed).toMatchObject({ actorId: w.agent.user.id, organizationId: w.administration.id, parquetId: w.parquet.id, before: null, after: null });

    // Chaque maillon porte l'empreinte du précédent ; le premier part de l'empreinte d'origine.
    expect(created!.prevHash).toBe(GENESIS_HASH);
    for (let i = 1; i < rows.length; i += 1) expect(rows[i]!.prevHash).toBe(rows[i - 1]!.hash);
    expect(new Set(rows.map((row) => row.hash)).size).toBe(rows.length);

    expect(await verifyAuditChain(t.prisma)).toEqual({ ok: true, count: 5, redacted: 0 });
  });

  it('une consultation par identifiant, par référence ou par node consigne les organisations du signalement, que la réponse ne demande pas', async () => {
    const w = await createWorld(t);
    const id = await createDraft(w.agent, w.parquet.code);
    const reference = await transmitDraft(w.agent, id);
    await gqlOk(w.clerk, `query($id: ID!) { signalement(id: $id) { title } }`, { id });
    await gqlOk(w.clerk, `query($reference: String!) { signalementByReference(reference: $reference) { reference } }`, { reference });
    await gqlOk(w.clerk, `query($id: ID!) { node(id: $id) { id } }`, { id });

    const views = (await auditRows()).filter((row) => row.action === 'SIGNALEMENT_VIEWED');
    expect(views).toHaveLength(3);
    for (const view of views) {
      expect(view).toMatchObject({ actorId: w.clerk.user.id, signalementId: uuidOf(id), administrationId: w.administration.id, parquetId: w.parquet.id });
    }
  });

  it('la base refuse de modifier ou de supprimer un événement', async () => {
    const w = await createWorld(t);
    await lifecycleWithRead(w);
    const target = (await auditRows())[2]!;

    await expect(t.prisma.$executeRaw`UPDATE audit_event SET action = 'SIGNALEMENT_CLOSED' WHERE id = ${target.id}`).rejects.toThrow(
      /ajout seul \(UPDATE\)/,
    );
    await expect(t.prisma.$executeRaw`DELETE FROM audit_event WHERE id = ${target.id}`).rejects.toThrow(/ajout seul \(DELETE\)/);
    // Passer par le client Prisma ne change rien.
    await expect(t.prisma.auditEvent.delete({ where: { id: target.id } })).rejects.toThrow(/ajout seul/);

    expect(await auditRows()).toHaveLength(5);
    expect(await t.prisma.auditEvent.findUniqueOrThrow({ where: { id: target.id } })).toEqual(target);
    expect(await verifyAuditChain(t.prisma)).toEqual({ ok: true, count: 5, redacted: 0 });
  });

  it('une ligne modifiée derrière le dos de l’API est repérée, par la fonction et par la commande', async () => {
    const w = await createWorld(t);
    await lifecycleWithRead(w);

    const intact = await runAuditVerify();
    expect(intact.stderr).not.toMatch(/ALTÉRÉ/);
    expect(intact.stdout).toContain("Journal d'audit intact : 5 événements vérifiés.");
    expect(intact.code).toBe(0);

    // Le numéro parquet de l'enregistrement (3e événement sur 5) est réécrit.
    const target = (await auditRows())[2]!;
    expect(target.after).toMatchObject({ status: 'REGISTERED', parquetNumber: '26072000001' });
    await tamper(`UPDATE audit_event SET "after" = jsonb_set("after", '{parquetNumber}', '"26072999999"') WHERE id = ${target.id}`);
    expect((await t.prisma.auditEvent.findUniqueOrThrow({ where: { id: target.id } })).after).toMatchObject({ parquetNumber: '26072999999' });

    const verification = await verifyAuditChain(t.prisma);
    expect(verification).toMatchObject({ ok: false, brokenAt: target.id, count: 2 });
    expect(verification.ok === false && verification.reason).toMatch(/contenu ne correspond plus à son empreinte/);

    const broken = await runAuditVerify();
    expect(broken.stderr).toContain(`premier maillon rompu à l'événement n° ${target.id} —`);
    expect(broken.code).toBe(1);
  }, 60_000);

  it('réécrire aussi l’empreinte de la ligne modifiée ne suffit pas : le maillon suivant la dénonce', async () => {
    const w = await createWorld(t);
    await lifecycleWithRead(w);
    const rows = await auditRows();
    const target = rows[2]!;
    const forgedAfter = { ...(target.after as Record<string, unknown>), parquetNumber: '26072999999' };
    const before = target.before as Record<string, unknown> | null;
    const forgedDigest = auditPayloadDigest(before, forgedAfter);
    const forgedHash = auditEventHash({ ...target, before, after: forgedAfter, payloadDigest: forgedDigest });
    await tamper(
      `UPDATE audit_event SET "after" = '${JSON.stringify(forgedAfter)}'::jsonb, payload_digest = '${forgedDigest}', hash = '${forgedHash}' WHERE id = ${target.id}`,
    );

    expect(await verifyAuditChain(t.prisma)).toMatchObject({ ok: false, brokenAt: rows[3]!.id, count: 3 });
  });
});
