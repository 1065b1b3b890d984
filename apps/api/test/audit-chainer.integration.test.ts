import { createPrismaClient } from '@infoparquet/db';
import { afterAll, describe, expect, it } from 'vitest';
import { appendAuditEvent, verifyAuditChain } from '../src/domains/audit/chain.js';
import { AuditChainer, chainAllPending } from '../src/domains/audit/chainer.js';
import { testDatabaseUrl } from './database.js';
import { createDraft, createWorld, heldTransaction, runApiScript, setupIntegration, transmitDraft, uuidOf } from './helpers.js';

/**
 * Le chaînage du journal hors du chemin des écritures : chaque écriture dépose son événement dans
 * `audit_pending`, le chaîneur les verse par lots dans `audit_event` sous le verrou de la chaîne.
 * Ce que doit voir un utilisateur : une opération rendue est au journal, rien n'y est en double ni
 * perdu quand plusieurs instances écrivent et chaînent en même temps, la chaîne reste vérifiable.
 */
const t = setupIntegration();
// Une seconde « instance » : son propre pool de connexions et son propre chaîneur.
const other = createPrismaClient(testDatabaseUrl(), { maxConnections: 4 });
afterAll(() => other.$disconnect());

const pendingCount = () => t.prisma.auditPending.count();

const probeEvent = (organizationId: string) => ({
  actorId: null,
  organizationId,
  action: 'TEST_PROBE',
  targetType: 'Organization',
  targetId: organizationId,
  after: { probe: true },
});

describe('chaînage du journal', () => {
  it('une opération ne répond qu’une fois son événement versé au journal chaîné', async () => {
    const w = await createWorld(t);
    const id = await createDraft(w.agent, w.parquet.code);
    expect(await pendingCount()).toBe(0);
    const created = await t.prisma.auditEvent.findFirst({ where: { signalementId: uuidOf(id), action: 'SIGNALEMENT_CREATED' } });
    expect(created).toMatchObject({ actorId: w.agent.user.id, organizationId: w.administration.id });

    // Une simple lecture du détail est consignée, et chaînée avant la réponse elle aussi.
    await w.agent.client.gql(`query($id: ID!) { signalement(id: $id) { status } }`, { id });
    expect(await pendingCount()).toBe(0);
    expect(await t.prisma.auditEvent.count({ where: { signalementId: uuidOf(id), action: 'SIGNALEMENT_VIEWED' } })).toBe(1);
  });

  it('la file d’attente refuse toute modification d’un événement', async () => {
    const w = await createWorld(t);
    await t.prisma.$transaction((tx) => appendAuditEvent(tx, probeEvent(w.parquet.id)));
    await expect(t.prisma.$executeRaw`UPDATE audit_pending SET action = 'AUTRE'`).rejects.toThrow(/ne se modifie pas/);
    await chainAllPending(t.prisma);
    expect((await t.prisma.auditEvent.findFirstOrThrow({ where: { action: 'TEST_PROBE' } })).after).toEqual({ probe: true });
  });

  it('un événement validé pendant un passage du chaîneur est versé par le passage suivant, jamais sauté', async () => {
    const w = await createWorld(t);
    const chainer = new AuditChainer(t.prisma, { pollMs: 60_000 });
    const late = heldTransaction(t.prisma, (tx) => appendAuditEvent(tx, probeEvent(w.parquet.id)));
    await late.written;
    // Non validé : le passage ne le voit pas.
    await chainer.flush();
    expect(await t.prisma.auditEvent.count({ where: { action: 'TEST_PROBE' } })).toBe(0);
    await late.commit();
    await chainer.flush();
    expect(await t.prisma.auditEvent.count({ where: { action: 'TEST_PROBE' } })).toBe(1);
    expect(await pendingCount()).toBe(0);
    await chainer.stop();
  });

  it('deux instances qui écrivent et chaînent en même temps : chaque événement une fois, dans l’ordre, chaîne intacte', async () => {
    const w = await createWorld(t);
    const drafts = await Promise.all(Array.from({ length: 12 }, () => createDraft(w.agent, w.parquet.code)));
    // Pendant que l'API transmet en parallèle (et chaîne après chaque opération), l'autre instance
    // dépose ses propres événements et chaîne de son côté, sous le même verrou.
    let othersRunning = true;
    const otherInstance = (async () => {
      let written = 0;
      while (othersRunning) {
        await other.$transaction((tx) => appendAuditEvent(tx, probeEvent(w.parquet.id)));
        written += 1;
        await chainAllPending(other);
      }
      return written;
    })();
    const references = await Promise.all(drafts.map((id) => transmitDraft(w.agent, id)));
    othersRunning = false;
    const probes = await otherInstance;
    await chainAllPending(other);

    expect(new Set(references).size).toBe(12);
    expect(await pendingCount()).toBe(0);
    const rows = await t.prisma.auditEvent.findMany({ orderBy: { id: 'asc' }, select: { id: true, action: true, signalementId: true } });
    const transmitted = rows.filter((row) => row.action === 'SIGNALEMENT_TRANSMITTED');
    expect(new Set(transmitted.map((row) => row.signalementId))).toEqual(new Set(drafts.map(uuidOf)));
    expect(transmitted).toHaveLength(12);
    expect(rows.filter((row) => row.action === 'TEST_PROBE')).toHaveLength(probes);
    // Pour chaque signalement, la création précède la transmission dans le journal.
    for (const id of drafts.map(uuidOf)) {
      const own = rows.filter((row) => row.signalementId === id).map((row) => row.action);
      expect(own).toEqual(['SIGNALEMENT_CREATED', 'SIGNALEMENT_TRANSMITTED']);
    }
    expect(await verifyAuditChain(t.prisma)).toEqual({ ok: true, count: rows.length, redacted: 0 });
  });

  it('ce qu’une instance arrêtée a laissé dans la file est chaîné par la vérification du journal', async () => {
    const w = await createWorld(t);
    await t.prisma.$transaction((tx) => appendAuditEvent(tx, probeEvent(w.parquet.id)));
    await t.prisma.$transaction((tx) => appendAuditEvent(tx, probeEvent(w.administration.id)));
    expect(await pendingCount()).toBe(2);

    const verify = await runApiScript('src/scripts/audit-verify.ts');
    expect(verify.stdout).toContain("Journal d'audit intact : 2 événements vérifiés.");
    expect(verify.code).toBe(0);
    expect(await pendingCount()).toBe(0);
    const probes = await t.prisma.auditEvent.findMany({ where: { action: 'TEST_PROBE' }, orderBy: { id: 'asc' } });
    expect(probes.map((row) => row.organizationId)).toEqual([w.parquet.id, w.administration.id]);
  }, 60_000);
});
