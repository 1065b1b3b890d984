import { createHash } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { verifyAuditChain } from '../src/domains/audit/chain.js';
import { createLocalStorage, newStorageKey } from '../src/domains/pieces/storage.js';
import { parseRetentionPolicy } from '../src/domains/retention/policy.js';
import { purgeExpiredSignalements, type PurgeStorage } from '../src/domains/retention/purge.js';
import { createDraft, createWorld, gqlOk, runApiScript, setupIntegration, transmitDraft, uuidOf, type World } from './helpers.js';

const t = setupIntegration();
const POLICY = parseRetentionPolicy('CLOSED=10y,WITHDRAWN=5y,DRAFT=1y');
const NOW = new Date();

/** Le stockage des pièces tel que la purge le voit : ici aucune pièce, donc jamais appelé. */
const noPieces: PurgeStorage = {
  remove: async (key) => {
    throw new Error(`aucune pièce attendue, effacement demandé pour ${key}`);
  },
};

/** Un signalement mené jusqu'à la clôture (renseignements, décision), daté de `yearsAgo` ans. */
async function closedSignalement(w: World, yearsAgo: number) {
  const id = await createDraft(w.agent, w.parquet.code, { title: 'Dépôt sauvage de déchets amiantés' });
  const reference = await transmitDraft(w.agent, id);
  await gqlOk(w.clerk, `mutation($id: ID!) { registerSignalement(id: $id) { id } }`, { id });
  await gqlOk(w.prosecutor, `mutation($id: ID!, $input: DecisionInput!) { decideSignalement(id: $id, input: $input) { id } }`, {
    id,
    input: { kind: 'DISMISSAL', dismissalReasonCode: '21', reasons: 'Motivation écrite du classement, propre à ce dossier.' },
  });
  await gqlOk(w.clerk, `mutation($id: ID!) { closeSignalement(id: $id) { id } }`, { id });
  await backdate(uuidOf(id), yearsAgo);
  return { id, uuid: uuidOf(id), reference };
}

async function backdate(uuid: string, yearsAgo: number) {
  await t.prisma.$executeRaw`
    UPDATE signalement SET closed_at = closed_at - make_interval(years => ${yearsAgo}),
                           updated_at = updated_at - make_interval(years => ${yearsAgo})
    WHERE id = ${uuid}::uuid`;
}

/** Ce que le journal dit des événements (leur contenu avant/après), lisible pour une recherche de texte. */
const contentOf = (events: { before: unknown; after: unknown }[]) => JSON.stringify(events.map((e) => [e.before, e.after]));

const TOMBSTONE = `query($reference: String!) { purgedSignalement(reference: $reference) {
  signalementId reference statusAtPurge contentHash createdAt transmittedAt closedAt purgedAt pieceCount purgeEventId } }`;

describe('purge à l’échéance de conservation', () => {
  it('purge les signalements échus (clos, retirés, brouillons) et eux seuls, en laissant une pierre tombale', async () => {
    const w = await createWorld(t);
    const closedLongAgo = await closedSignalement(w, 11);
    const closedRecently = await closedSignalement(w, 9);

    const withdrawnId = await createDraft(w.agent, w.parquet.code);
    const withdrawnReference = await transmitDraft(w.agent, withdrawnId);
    await gqlOk(w.manager, `mutation($id: ID!) { withdrawSignalement(id: $id, reason: "Transmis par erreur.") { id } }`, { id: withdrawnId });
    await backdate(uuidOf(withdrawnId), 6);

    const oldDraft = await createDraft(w.agent, w.parquet.code);
    await backdate(uuidOf(oldDraft), 2);
    const freshDraft = await createDraft(w.agent, w.parquet.code);

    // En cours depuis vingt ans : jamais purgé, quelle que soit la politique.
    const inProgress = await createDraft(w.agent, w.parquet.code);
    await transmitDraft(w.agent, inProgress);
    await gqlOk(w.clerk, `mutation($id: ID!) { registerSignalement(id: $id) { id } }`, { id: inProgress });
    await backdate(uuidOf(inProgress), 20);

    const before = await t.prisma.signalement.findUniqueOrThrow({ where: { id: closedLongAgo.uuid } });
    const report = await purgeExpiredSignalements(t.prisma, { policy: POLICY, storage: noPieces, now: NOW });

    expect(report.skipped).toBe(0);
    expect(report.storageFailures).toEqual([]);
    expect(report.purged.map((p) => p.id).sort()).toEqual([closedLongAgo.uuid, uuidOf(withdrawnId), uuidOf(oldDraft)].sort());
    const remaining = (await t.prisma.signalement.findMany({ select: { id: true } })).map((s) => s.id).sort();
    expect(remaining).toEqual([closedRecently.uuid, uuidOf(freshDraft), uuidOf(inProgress)].sort());

    // Plus rien du contenu : historique, décision, messages partis avec lui.
    for (const table of ['status_change', 'decision', 'message'] as const) {
      const [row] = await t.prisma.$queryRawUnsafe<{ n: bigint }[]>(`SELECT count(*) AS n FROM ${table} WHERE signalement_id = $1::uuid`, closedLongAgo.uuid);
      expect(row!.n).toBe(0n);
    }

    // La pierre tombale : référence, dates et empreinte d'origine, événement de purge.
    const tombstone = await t.prisma.signalementTombstone.findUniqueOrThrow({ where: { id: closedLongAgo.uuid } });
    const purgeEvent = await t.prisma.auditEvent.findFirstOrThrow({ where: { action: 'SIGNALEMENT_PURGED', signalementId: closedLongAgo.uuid } });
    expect(tombstone).toMatchObject({
      reference: closedLongAgo.reference,
      statusAtPurge: 'CLOSED',
      contentHash: before.contentHash,
      createdAt: before.createdAt,
      transmittedAt: before.transmittedAt,
      closedAt: before.closedAt,
      purgedAt: NOW,
      pieceCount: 0,
      purgeEventId: purgeEvent.id,
    });
    expect(purgeEvent).toMatchObject({
      actorId: null,
      administrationId: w.administration.id,
      parquetId: w.parquet.id,
      before: { status: 'CLOSED', reference: closedLongAgo.reference },
      after: { purged: true, retention: '10y', pieceCount: 0 },
    });
    expect(await t.prisma.signalementTombstone.count()).toBe(3);
    expect((await t.prisma.signalementTombstone.findUniqueOrThrow({ where: { id: uuidOf(withdrawnId) } })).reference).toBe(withdrawnReference);
  });

  it('efface les pièces du stockage après le commit, et elles seules', async () => {
    const w = await createWorld(t);
    const root = await mkdtemp(path.join(tmpdir(), 'infoparquet-purge-'));
    try {
      const storage = createLocalStorage(root);
      const closed = await closedSignalement(w, 11);
      const kept = await closedSignalement(w, 1);
      const store = async (signalementId: string, name: string) => {
        const bytes = Buffer.from(`contenu de ${name}`);
        const key = newStorageKey();
        await storage.write(key, Readable.from([bytes]));
        await t.prisma.piece.create({
          data: {
            signalementId,
            filename: name,
            contentType: 'application/pdf',
            size: bytes.length,
            sha256: createHash('sha256').update(bytes).digest('hex'),
            storageKey: key,
            uploadedById: w.agent.user.id,
            organizationId: w.administration.id,
          },
        });
        return key;
      };
      const purgedKeys = [await store(closed.uuid, 'pv-1.pdf'), await store(closed.uuid, 'pv-2.pdf')];
      const keptKey = await store(kept.uuid, 'pv-garde.pdf');
      const stored = async () => (await readdir(root, { recursive: true })).filter((entry) => /[0-9a-f-]{36}$/.test(entry)).map((entry) => path.basename(entry));

      expect((await stored()).sort()).toEqual([...purgedKeys, keptKey].sort());
      const report = await purgeExpiredSignalements(t.prisma, { policy: POLICY, storage, now: NOW });

      expect(report.purged).toEqual([{ id: closed.uuid, reference: closed.reference, status: 'CLOSED', pieceCount: 2 }]);
      expect(report.storageFailures).toEqual([]);
      expect(await stored()).toEqual([keptKey]);
      expect(await t.prisma.piece.count({ where: { signalementId: closed.uuid } })).toBe(0);
      expect(await t.prisma.piece.count({ where: { signalementId: kept.uuid } })).toBe(1);
      expect((await t.prisma.signalementTombstone.findUniqueOrThrow({ where: { id: closed.uuid } })).pieceCount).toBe(2);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });

  it('efface le contenu du journal qui le concernait sans rompre la chaîne, et la commande de vérification le dit', async () => {
    const w = await createWorld(t);
    const closed = await closedSignalement(w, 11);
    const kept = await closedSignalement(w, 1);
    const eventsBefore = await t.prisma.auditEvent.findMany({ where: { signalementId: closed.uuid }, orderBy: { id: 'asc' } });
    expect(contentOf(eventsBefore)).toContain('Dépôt sauvage de déchets amiantés');

    await purgeExpiredSignalements(t.prisma, { policy: POLICY, storage: noPieces, now: NOW });

    const events = await t.prisma.auditEvent.findMany({ where: { signalementId: closed.uuid }, orderBy: { id: 'asc' } });
    // Les événements restent (mêmes numéros, mêmes empreintes), leur contenu est effacé et daté.
    expect(events.slice(0, -1).map((e) => [e.id, e.hash])).toEqual(eventsBefore.map((e) => [e.id, e.hash]));
    const purge = events.at(-1)!;
    expect(purge.action).toBe('SIGNALEMENT_PURGED');
    const withContent = eventsBefore.filter((e) => e.before !== null || e.after !== null);
    expect(withContent.length).toBeGreaterThan(3);
    for (const event of events.slice(0, -1)) {
      expect(event.before).toBeNull();
      expect(event.after).toBeNull();
    }
    expect(events.filter((e) => e.redactedAt !== null)).toHaveLength(withContent.length);
    expect(contentOf(events)).not.toContain('Dépôt sauvage');
    // L'autre signalement garde tout son journal.
    const keptEvents = await t.prisma.auditEvent.findMany({ where: { signalementId: kept.uuid } });
    expect(keptEvents.every((e) => e.redactedAt === null)).toBe(true);
    expect(contentOf(keptEvents)).toContain('Dépôt sauvage de déchets amiantés');

    expect(await verifyAuditChain(t.prisma)).toMatchObject({ ok: true, redacted: withContent.length });
    const verify = await runApiScript('src/scripts/audit-verify.ts');
    expect(verify.code).toBe(0);
    expect(verify.stdout).toContain(`dont ${withContent.length} au contenu effacé par la purge, empreintes intactes`);
  }, 60_000);

  it('la base n’accepte qu’un effacement complet et daté du contenu, rien d’autre', async () => {
    const w = await createWorld(t);
    const closed = await closedSignalement(w, 1);
    const event = await t.prisma.auditEvent.findFirstOrThrow({ where: { signalementId: closed.uuid, action: 'SIGNALEMENT_DECIDED' } });
    // Effacer en changeant aussi l'action, ou sans dater, ou à moitié : refusé.
    await expect(
      t.prisma.$executeRaw`UPDATE audit_event SET "before" = NULL, "after" = NULL, redacted_at = now(), action = 'SIGNALEMENT_CLOSED' WHERE id = ${event.id}`,
    ).rejects.toThrow(/ajout seul \(UPDATE\)/);
    await expect(t.prisma.$executeRaw`UPDATE audit_event SET "before" = NULL, "after" = NULL WHERE id = ${event.id}`).rejects.toThrow(/ajout seul/);
    await expect(t.prisma.$executeRaw`UPDATE audit_event SET "after" = NULL, redacted_at = now() WHERE id = ${event.id}`).rejects.toThrow(
      /ajout seul|audit_event_redaction_sealed/,
    );
    // Un événement déjà effacé ne se réécrit plus.
    await t.prisma.$executeRaw`UPDATE audit_event SET "before" = NULL, "after" = NULL, redacted_at = now() WHERE id = ${event.id}`;
    await expect(t.prisma.$executeRaw`UPDATE audit_event SET redacted_at = now() - interval '1 day' WHERE id = ${event.id}`).rejects.toThrow(/ajout seul/);
    expect(await verifyAuditChain(t.prisma)).toMatchObject({ ok: true, redacted: 1 });
  });

  it('un essai à blanc liste sans rien écrire ; la commande purge et résume en français', async () => {
    const w = await createWorld(t);
    const closed = await closedSignalement(w, 11);
    const dry = await purgeExpiredSignalements(t.prisma, { policy: POLICY, storage: noPieces, now: NOW, dryRun: true });
    expect(dry.purged).toEqual([{ id: closed.uuid, reference: closed.reference, status: 'CLOSED', pieceCount: 0 }]);
    expect(await t.prisma.signalement.count({ where: { id: closed.uuid } })).toBe(1);
    expect(await t.prisma.signalementTombstone.count()).toBe(0);

    const dryRun = await runApiScript('src/scripts/purge-expired.ts', ['--dry-run']);
    expect(dryRun.code).toBe(0);
    expect(dryRun.stdout).toContain(`${closed.reference} (clos)`);
    expect(dryRun.stdout).toContain('Essai à blanc : 1 signalement serait purgé, rien n’a été écrit.');
    expect(await t.prisma.signalement.count({ where: { id: closed.uuid } })).toBe(1);

    const run = await runApiScript('src/scripts/purge-expired.ts');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('1 signalement purgé, 0 pièce effacée');
    expect(await t.prisma.signalement.count({ where: { id: closed.uuid } })).toBe(0);
    expect(await t.prisma.signalementTombstone.count()).toBe(1);

    const refused = await runApiScript('src/scripts/purge-expired.ts', [], { RETENTION_POLICY: 'IN_PROGRESS=1y' });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('le statut « IN_PROGRESS » ne se purge pas');
  }, 90_000);

  describe('purgedSignalement : la trace se lit dans le périmètre du signalement', () => {
    async function purged(w: World) {
      const closed = await closedSignalement(w, 11);
      await purgeExpiredSignalements(t.prisma, { policy: POLICY, storage: noPieces, now: NOW });
      return closed;
    }

    it('sans session : UNAUTHENTICATED', async () => {
      const w = await createWorld(t);
      const { reference } = await purged(w);
      const response = await t.anonymous.gql(TOMBSTONE, { reference });
      expect(response.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    });

    it('opérateur de la plateforme : FORBIDDEN ; autre administration et autre parquet : NOT_FOUND, comme une référence inconnue', async () => {
      const w = await createWorld(t);
      const { reference } = await purged(w);
      expect((await w.platformAdmin.client.gql(TOMBSTONE, { reference })).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      const unknown = await w.agent.client.gql(TOMBSTONE, { reference: reference.replace(/\d{6}$/, '999999') });
      expect(unknown.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
      for (const actor of [w.otherAgent, w.otherClerk]) {
        const response = await actor.client.gql(TOMBSTONE, { reference });
        expect(response.errors).toEqual(unknown.errors);
      }
    });

    it('l’administration émettrice et le parquet destinataire la lisent ; le signalement lui-même est introuvable', async () => {
      const w = await createWorld(t);
      const closed = await purged(w);
      for (const actor of [w.reader, w.clerk]) {
        const data = await gqlOk(actor, TOMBSTONE, { reference: closed.reference });
        expect(data.purgedSignalement).toMatchObject({
          signalementId: closed.uuid,
          reference: closed.reference,
          statusAtPurge: 'CLOSED',
          pieceCount: 0,
          purgedAt: NOW.toISOString(),
        });
        expect(data.purgedSignalement.contentHash).toMatch(/^[0-9a-f]{64}$/);
        expect(data.purgedSignalement.purgeEventId).toMatch(/^\d+$/);
        const gone = await actor.client.gql(`query($id: ID!) { signalement(id: $id) { id } }`, { id: closed.id });
        expect(gone.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
      }
    });
  });
});
