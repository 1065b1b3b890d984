import { randomUUID } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createPrismaClient, type NotificationEvent, type PrismaClient } from '@infoparquet/db';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { appendAuditEvent } from '../src/domains/audit/chain.js';
import { chainAllPending } from '../src/domains/audit/chainer.js';
import { createMailer, type Mailer } from '../src/domains/notifications/delivery.js';
import { sendDailyDigests } from '../src/domains/notifications/digest.js';
import { processJournal, processJournalBatch } from '../src/domains/notifications/notifier.js';
import { sendDueEmails } from '../src/domains/notifications/sender.js';
import { signalementLink } from '../src/domains/notifications/templates.js';
import { escalateOverdue } from '../src/realtime/escalation.js';
import { testDatabaseUrl } from './database.js';
import { createDraft, createUser, createWorld, errorCode, heldTransaction, setupIntegration, transmitDraft, type Actor, type World } from './helpers.js';
import { deadSmtpPort, startSmtp, type Inbox } from './notifications-smtp.js';
import { overHttp, sleep, startInstance, until } from './realtime-helpers.js';

/**
 * Les courriels (issue 5, point 4), reçus par un vrai serveur SMTP démarré par le test :
 * destinataires de chaque événement et contenu limité à la référence, au titre et au lien ;
 * préférences (immédiat, récapitulatif quotidien, jamais ; alerte urgente jamais coupée) ; panne
 * du serveur puis retour, sans perte ni doublon ; deux expéditeurs en même temps ; fichiers .eml
 * et page de développement sans SMTP ; opérations GraphQL des préférences et de la permanence.
 */
const t = setupIntegration();

const APP_URL = 'https://infoparquet.test';
/** Ce qui ne doit jamais sortir dans un courriel : faits, personnes, messages, motifs. */
const FACTS = 'FAITS-CONFIDENTIELS-7Q2Z : le gérant a détourné 48 000 euros de subventions.';
const SECRETS = [FACTS, 'FAITS-CONFIDENTIELS', 'Société Exemple SARL', '130025265', 'DEMANDE-CONFIDENTIELLE', 'REPONSE-CONFIDENTIELLE', 'MOTIFS-CONFIDENTIELS'];
const URGENT = { urgent: true, urgencyReason: 'DANGER_TO_PERSONS', facts: FACTS } as const;

const mailers: Mailer[] = [];
const clients: PrismaClient[] = [];

beforeEach(async () => {
  // Les tables des courriels n'ont pas de clé vers les tables vidées par setupIntegration : on les vide ici,
  // et la position du notificateur repart du début du journal (dont les identifiants recommencent à 1).
  await t.prisma.$executeRawUnsafe('TRUNCATE outgoing_email, digest_item, notification_cursor');
  await t.prisma.notificationCursor.create({ data: { name: 'emails', lastEventId: 0n } });
});

afterEach(async () => {
  while (mailers.length > 0) mailers.pop()!.close();
  while (clients.length > 0) await clients.pop()!.$disconnect();
});

function smtpMailer(url: string): Mailer {
  const mailer = createMailer({ SMTP_URL: url, EMAIL_FROM: 'infoParquet <ne-pas-repondre@infoparquet.test>', NODE_ENV: 'test' });
  mailers.push(mailer);
  return mailer;
}

/** Un tour complet : journal → boîte d'envoi → serveur SMTP. */
async function deliver(inbox: Inbox, prisma: PrismaClient = t.prisma) {
  await processJournal(prisma, { appUrl: APP_URL });
  return sendDueEmails(prisma, smtpMailer(inbox.url), { retryBaseMs: 50 });
}

const emailOf = (actor: Actor) => t.prisma.user.findUniqueOrThrow({ where: { id: actor.user.id } }).then((user) => user.email);

/** Qui a reçu quoi : « adresse → objets », trié, pour des comparaisons lisibles. */
function bySubject(inbox: Inbox): Record<string, string[]> {
  const result: Record<string, string[]> = {};
  for (const message of inbox.messages) for (const to of message.to) (result[to] ??= []).push(message.subject);
  for (const list of Object.values(result)) list.sort();
  return result;
}

function expectNoSecret(inbox: Inbox) {
  expect(inbox.messages.length).toBeGreaterThan(0);
  for (const message of inbox.messages) for (const secret of SECRETS) expect(message.all).not.toContain(secret);
}

async function transmitted(actor: Actor, parquetCode: string, overrides: Record<string, unknown> = {}) {
  const id = await createDraft(actor, parquetCode, { facts: FACTS, ...overrides });
  const reference = await transmitDraft(actor, id);
  const internal = Buffer.from(id, 'base64').toString('utf8').split(':')[1]!;
  return { id, internal, reference, link: signalementLink(APP_URL, internal) };
}

async function ok(actor: Actor, query: string, variables: Record<string, unknown> = {}) {
  const response = await actor.client.gql(query, variables);
  expect(response.errors).toBeUndefined();
  return response.data!;
}

const userGlobalId = (id: string) => Buffer.from(`User:${id}`).toString('base64');

async function prefer(actor: Actor, event: NotificationEvent, frequency: 'IMMEDIATE' | 'DAILY_DIGEST' | 'NEVER') {
  await ok(actor, 'mutation($e: NotificationEvent!, $f: NotificationFrequency!) { setNotificationPreference(event: $e, frequency: $f) { event } }', { e: event, f: frequency });
}

describe('courriels : qui reçoit quoi', () => {
  let w: World;
  let inbox: Inbox;
  beforeEach(async () => {
    w = await createWorld(t);
    inbox = await startSmtp();
  });

  it('transmission : accusé de réception à l’agent qui transmet ; urgent : alerte au seul magistrat de permanence du parquet destinataire', async () => {
    await t.prisma.user.update({ where: { id: w.prosecutor.user.id }, data: { onDuty: true } });
    // Un magistrat de permanence d'un autre parquet ne reçoit rien.
    await t.prisma.user.update({ where: { id: w.otherProsecutor.user.id }, data: { onDuty: true } });
    const urgent = await transmitted(w.agent, w.parquet.code, URGENT);
    const ordinary = await transmitted(w.manager, w.parquet.code, { title: 'Travail dissimulé' });
    await deliver(inbox);

    expect(bySubject(inbox)).toEqual({
      [await emailOf(w.agent)]: [`[infoParquet] Accusé de réception — ${urgent.reference}`],
      [await emailOf(w.manager)]: [`[infoParquet] Accusé de réception — ${ordinary.reference}`],
      [await emailOf(w.prosecutor)]: [`[infoParquet] URGENT Signalement urgent reçu — ${urgent.reference}`],
    });
    const alert = inbox.messages.find((message) => message.subject.includes('URGENT'))!;
    expect(alert.text).toContain(`Référence : ${urgent.reference}`);
    expect(alert.text).toContain('Titre : Tromperie sur la marchandise');
    expect(alert.text).toContain(urgent.link);
    expect(alert.html).toContain(`href="${urgent.link}"`);
    const proof = inbox.messages.find((message) => message.subject.includes(urgent.reference) && message.subject.includes('Accusé'))!;
    expect(proof.text).toContain('L’accusé de réception (PDF) est téléchargeable sur la page du signalement.');
    expectNoSecret(inbox);
    // Remis une fois, marqués comme tels.
    const rows = await t.prisma.outgoingEmail.findMany();
    expect(rows.map((row) => [row.status, row.attempts])).toEqual(rows.map(() => ['SENT', 1]));
  });

  it('urgent sans personne de permanence : tous les magistrats du parquet (jamais le greffe) ; un compte désactivé ne reçoit rien', async () => {
    const formerProsecutor = await createUser(t.prisma, w.parquet.id, 'PROSECUTOR');
    await t.prisma.user.update({ where: { id: formerProsecutor.id }, data: { active: false } });
    const urgent = await transmitted(w.agent, w.parquet.code, URGENT);
    await deliver(inbox);
    const alerted = inbox.messages.filter((message) => message.subject.includes('URGENT')).flatMap((message) => message.to).sort();
    expect(alerted).toEqual([await emailOf(w.prosecutor), await emailOf(w.head)].sort());
    expect(inbox.messages.every((message) => message.subject.endsWith(urgent.reference))).toBe(true);
  });

  it('urgent transféré : la permanence du parquet qui le reçoit ; urgence confirmée par le parquet avant l’enregistrement : sa permanence aussi', async () => {
    await t.prisma.user.update({ where: { id: w.otherProsecutor.user.id }, data: { onDuty: true } });
    await t.prisma.user.update({ where: { id: w.prosecutor.user.id }, data: { onDuty: true } });
    const urgent = await transmitted(w.agent, w.parquet.code, URGENT);
    await ok(w.clerk, 'mutation($id: ID!, $p: String!, $r: String!) { transferSignalement(id: $id, parquetCode: $p, reason: $r) { id } }', {
      id: urgent.id,
      p: w.otherParquet.code,
      r: 'Compétence territoriale',
    });
    const ordinary = await transmitted(w.agent, w.parquet.code);
    await ok(w.head, 'mutation($id: ID!) { setUrgency(id: $id, urgent: true, reason: HEALTH_OR_SAFETY_RISK) { id } }', { id: ordinary.id });
    await deliver(inbox);
    const alerts = inbox.messages.filter((message) => message.subject.includes('URGENT')).map((message) => [message.to.join(), message.subject]);
    expect(alerts.sort()).toEqual(
      [
        [await emailOf(w.prosecutor), `[infoParquet] URGENT Signalement urgent reçu — ${urgent.reference}`],
        [await emailOf(w.otherProsecutor), `[infoParquet] URGENT Signalement urgent reçu — ${urgent.reference}`],
        [await emailOf(w.prosecutor), `[infoParquet] URGENT Signalement urgent reçu — ${ordinary.reference}`],
      ].sort(),
    );
  });

  it('escalade d’un urgent non enregistré : au chef de parquet, avec le numéro de l’alerte', async () => {
    const urgent = await transmitted(w.agent, w.parquet.code, URGENT);
    await deliver(inbox);
    inbox.messages.length = 0;
    expect(await escalateOverdue(t.prisma, 0)).toBe(1);
    await deliver(inbox);
    expect(bySubject(inbox)).toEqual({ [await emailOf(w.head)]: [`[infoParquet] URGENT Urgent toujours pas enregistré — ${urgent.reference}`] });
    expect(inbox.messages[0]!.text).toContain('(alerte n° 1)');
    expectNoSecret(inbox);
  });

  it('demande de renseignements → l’agent qui a transmis ; réponse → le demandeur et l’attributaire ; décision → l’agent qui a transmis', async () => {
    const s = await transmitted(w.agent, w.parquet.code);
    await ok(w.clerk, 'mutation($id: ID!) { registerSignalement(id: $id) { id } }', { id: s.id });
    await ok(w.clerk, 'mutation($id: ID!, $a: ID!) { assignSignalement(id: $id, assigneeId: $a) { id } }', { id: s.id, a: userGlobalId(w.prosecutor.user.id) });
    await deliver(inbox);
    inbox.messages.length = 0;

    await ok(w.clerk, 'mutation($id: ID!, $m: String!) { requestInformation(id: $id, message: $m) { id } }', { id: s.id, m: 'DEMANDE-CONFIDENTIELLE : le procès-verbal complet ?' });
    await deliver(inbox);
    expect(bySubject(inbox)).toEqual({ [await emailOf(w.agent)]: [`[infoParquet] Demande de renseignements — ${s.reference}`] });

    inbox.messages.length = 0;
    await ok(w.manager, 'mutation($id: ID!, $m: String!) { answerInformationRequest(id: $id, message: $m) { id } }', { id: s.id, m: 'REPONSE-CONFIDENTIELLE : ci-joint.' });
    await deliver(inbox);
    expect(bySubject(inbox)).toEqual({
      [await emailOf(w.clerk)]: [`[infoParquet] Réponse à la demande de renseignements — ${s.reference}`],
      [await emailOf(w.prosecutor)]: [`[infoParquet] Réponse à la demande de renseignements — ${s.reference}`],
    });

    inbox.messages.length = 0;
    await ok(w.prosecutor, 'mutation($id: ID!, $input: DecisionInput!) { decideSignalement(id: $id, input: $input) { id } }', {
      id: s.id,
      input: { kind: 'DISMISSAL', dismissalReasonCode: '21', reasons: 'MOTIFS-CONFIDENTIELS : infraction insuffisamment caractérisée.' },
    });
    await deliver(inbox);
    expect(bySubject(inbox)).toEqual({ [await emailOf(w.agent)]: [`[infoParquet] Décision du parquet — ${s.reference}`] });
    expect(inbox.messages[0]!.text).toContain('L’avis de décision (article 40-2 du code de procédure pénale) est disponible sur la page du signalement.');
    expect(inbox.messages[0]!.text).toContain(s.link);
    expect(inbox.messages[0]!.all).not.toContain('Classement');
    expectNoSecret(inbox);
  });

  it('l’agent qui a transmis a quitté l’administration : la décision va à ses responsables', async () => {
    const s = await transmitted(w.agent, w.parquet.code);
    await ok(w.clerk, 'mutation($id: ID!) { registerSignalement(id: $id) { id } }', { id: s.id });
    await t.prisma.user.update({ where: { id: w.agent.user.id }, data: { active: false } });
    await ok(w.prosecutor, 'mutation($id: ID!, $input: DecisionInput!) { decideSignalement(id: $id, input: $input) { id } }', {
      id: s.id,
      input: { kind: 'PROSECUTION', reasons: 'MOTIFS-CONFIDENTIELS' },
    });
    await deliver(inbox);
    expect(bySubject(inbox)).toEqual({ [await emailOf(w.manager)]: [`[infoParquet] Décision du parquet — ${s.reference}`] });
  });
});

describe('courriels : préférences', () => {
  let w: World;
  let inbox: Inbox;
  beforeEach(async () => {
    w = await createWorld(t);
    inbox = await startSmtp();
  });

  it('récapitulatif quotidien : rien sur le moment, puis un seul courriel qui liste les deux événements ; « jamais » : rien du tout', async () => {
    await prefer(w.agent, 'PROOF_OF_DEPOSIT', 'DAILY_DIGEST');
    await prefer(w.manager, 'PROOF_OF_DEPOSIT', 'NEVER');
    const first = await transmitted(w.agent, w.parquet.code, { title: 'Premier signalement' });
    const second = await transmitted(w.agent, w.parquet.code, { title: 'Second <signalement>' });
    await transmitted(w.manager, w.parquet.code, { title: 'Signalement du responsable' });
    await deliver(inbox);
    expect(inbox.messages).toEqual([]);
    expect(await t.prisma.digestItem.count({ where: { emailId: null } })).toBe(2);

    // Avant l'heure du récapitulatif qui suit ces événements : rien.
    expect(await sendDailyDigests(t.prisma, new Date(), { appUrl: APP_URL, digestHour: 8 })).toBe(0);
    // Le lendemain après l'heure : un récapitulatif, un seul.
    const tomorrow = new Date(Date.now() + 26 * 3600_000);
    expect(await sendDailyDigests(t.prisma, tomorrow, { appUrl: APP_URL, digestHour: 8 })).toBe(1);
    expect(await sendDailyDigests(t.prisma, tomorrow, { appUrl: APP_URL, digestHour: 8 })).toBe(0);
    await deliver(inbox);

    expect(inbox.messages).toHaveLength(1);
    const digest = inbox.messages[0]!;
    expect(digest.to).toEqual([await emailOf(w.agent)]);
    expect(digest.subject).toBe('[infoParquet] Récapitulatif quotidien — 2 événements');
    for (const s of [first, second]) {
      expect(digest.text).toContain(s.reference);
      expect(digest.text).toContain(s.link);
      expect(digest.html).toContain(s.link);
    }
    expect(digest.text).toContain('Premier signalement');
    expect(digest.text).toContain('Second <signalement>');
    expect(digest.html).toContain('Second &#60;signalement&#62;');
    expect(digest.text.match(/Accusé de réception/g)).toHaveLength(2);
    expectNoSecret(inbox);
    const email = await t.prisma.outgoingEmail.findFirstOrThrow({ where: { event: null } });
    expect(await t.prisma.digestItem.count({ where: { emailId: email.id } })).toBe(2);
  });

  it('l’alerte urgente ignore une préférence « jamais » enregistrée ; l’accusé de réception, lui, la respecte', async () => {
    await t.prisma.user.update({ where: { id: w.prosecutor.user.id }, data: { onDuty: true } });
    await t.prisma.notificationPreference.create({ data: { userId: w.prosecutor.user.id, event: 'URGENT_RECEIVED', frequency: 'NEVER' } });
    await prefer(w.agent, 'PROOF_OF_DEPOSIT', 'NEVER');
    const urgent = await transmitted(w.agent, w.parquet.code, URGENT);
    await deliver(inbox);
    expect(bySubject(inbox)).toEqual({ [await emailOf(w.prosecutor)]: [`[infoParquet] URGENT Signalement urgent reçu — ${urgent.reference}`] });
  });
});

describe('courriels : panne du serveur SMTP, plusieurs expéditeurs', () => {
  it('serveur arrêté : les courriels restent en attente avec l’erreur et le nombre d’essais ; il revient : chacun arrive une fois', async () => {
    const w = await createWorld(t);
    const port = await deadSmtpPort();
    await transmitted(w.agent, w.parquet.code);
    await transmitted(w.manager, w.parquet.code);
    await processJournal(t.prisma, { appUrl: APP_URL });
    const mailer = smtpMailer(`smtp://127.0.0.1:${port}`);

    expect(await sendDueEmails(t.prisma, mailer, { retryBaseMs: 100 })).toEqual({ sent: 0, failed: 2, rejected: 0 });
    let rows = await t.prisma.outgoingEmail.findMany();
    expect(rows.map((row) => [row.status, row.attempts])).toEqual([['PENDING', 1], ['PENDING', 1]]);
    expect(rows.every((row) => /ECONNREFUSED/.test(row.lastError ?? ''))).toBe(true);
    // Pas avant l'échéance ; après elle, un nouvel essai, et le délai double.
    expect(await sendDueEmails(t.prisma, mailer, { retryBaseMs: 100 })).toEqual({ sent: 0, failed: 0, rejected: 0 });
    await sleep(150);
    expect(await sendDueEmails(t.prisma, mailer, { retryBaseMs: 100 })).toEqual({ sent: 0, failed: 2, rejected: 0 });
    rows = await t.prisma.outgoingEmail.findMany();
    expect(rows.map((row) => row.attempts)).toEqual([2, 2]);
    const delays = await t.prisma.$queryRaw<{ ms: number }[]>`
      SELECT EXTRACT(EPOCH FROM (next_attempt_at - now())) * 1000 AS ms FROM outgoing_email`;
    for (const { ms } of delays) expect(Number(ms)).toBeGreaterThan(120);

    const inbox = await startSmtp(port);
    await sleep(250);
    expect(await sendDueEmails(t.prisma, mailer, { retryBaseMs: 100 })).toEqual({ sent: 2, failed: 0, rejected: 0 });
    await sleep(300);
    expect(await sendDueEmails(t.prisma, mailer, { retryBaseMs: 100 })).toEqual({ sent: 0, failed: 0, rejected: 0 });
    expect(inbox.messages.map((message) => message.to[0]).sort()).toEqual([await emailOf(w.agent), await emailOf(w.manager)].sort());
    rows = await t.prisma.outgoingEmail.findMany();
    expect(rows.map((row) => [row.status, row.attempts, row.sentAt !== null])).toEqual([['SENT', 3, true], ['SENT', 3, true]]);
  });

  it('serveur qui répond « 421 service indisponible » : réessayé jusqu’à ce qu’il accepte, sans doublon', async () => {
    const w = await createWorld(t);
    const inbox = await startSmtp();
    inbox.refusing = true;
    await transmitted(w.agent, w.parquet.code);
    await deliver(inbox);
    expect(inbox.refused).toBe(1);
    const [row] = await t.prisma.outgoingEmail.findMany();
    expect(row).toMatchObject({ status: 'PENDING', attempts: 1 });
    expect(row!.lastError).toMatch(/421/);
    inbox.refusing = false;
    await sleep(80);
    await deliver(inbox);
    await sleep(120);
    await deliver(inbox);
    expect(inbox.messages).toHaveLength(1);
    const sent = await t.prisma.outgoingEmail.findFirstOrThrow();
    expect(sent).toMatchObject({ status: 'SENT', attempts: 2 });
    // La dernière erreur reste lisible après la remise (trace de l'incident).
    expect(sent.lastError).toMatch(/421 .*Service temporairement indisponible/);
  });

  it('serveur qui refuse définitivement une adresse (« 550 ») : ce courriel n’est plus réessayé, les autres partent', async () => {
    const inbox = await startSmtp();
    inbox.rejecting.add('inconnu@test.infoparquet');
    await t.prisma.outgoingEmail.createMany({
      data: [
        { toAddress: 'inconnu@test.infoparquet', subject: 'Accusé de réception', text: 'Corps' },
        { toAddress: 'agent@test.infoparquet', subject: 'Décision', text: 'Corps' },
      ],
    });
    const mailer = smtpMailer(inbox.url);
    expect(await sendDueEmails(t.prisma, mailer, { retryBaseMs: 10 })).toEqual({ sent: 1, failed: 0, rejected: 1 });
    const rejected = await t.prisma.outgoingEmail.findFirstOrThrow({ where: { toAddress: 'inconnu@test.infoparquet' } });
    expect(rejected).toMatchObject({ status: 'REJECTED', attempts: 1, sentAt: null });
    expect(rejected.lastError).toMatch(/550 .*Adresse inconnue/);
    expect(inbox.messages.map((message) => message.to[0])).toEqual(['agent@test.infoparquet']);
    // Plus tard, bien après le délai de réessai : rien n'est renvoyé.
    await sleep(100);
    expect(await sendDueEmails(t.prisma, mailer, { retryBaseMs: 10 })).toEqual({ sent: 0, failed: 0, rejected: 0 });
    expect(await t.prisma.outgoingEmail.findFirstOrThrow({ where: { id: rejected.id } })).toMatchObject({ status: 'REJECTED', attempts: 1 });
    expect(inbox.messages).toHaveLength(1);
  });

  it('deux expéditeurs (deux instances) en même temps : chaque courriel part exactement une fois', async () => {
    const inbox = await startSmtp();
    const count = 40;
    await t.prisma.outgoingEmail.createMany({
      data: Array.from({ length: count }, (_, i) => ({ toAddress: `destinataire${i}@test.infoparquet`, subject: `Message ${i}`, text: `Corps ${i}` })),
    });
    const instances = [0, 1].map(() => {
      const prisma = createPrismaClient(testDatabaseUrl(), { maxConnections: 4 });
      clients.push(prisma);
      return { prisma, mailer: smtpMailer(inbox.url) };
    });
    const results = await Promise.all(
      [...instances, ...instances].map(({ prisma, mailer }) => sendDueEmails(prisma, mailer, { retryBaseMs: 1000, batchSize: 3 })),
    );
    expect(results.reduce((sum, result) => sum + result.sent, 0)).toBe(count);
    expect(results.filter((result) => result.sent > 0).length).toBeGreaterThan(1);
    expect(inbox.messages).toHaveLength(count);
    expect(new Set(inbox.messages.map((message) => message.messageId)).size).toBe(count);
    expect(new Set(inbox.messages.map((message) => message.subject)).size).toBe(count);
    const rows = await t.prisma.outgoingEmail.findMany();
    expect(rows.every((row) => row.status === 'SENT' && row.attempts === 1)).toBe(true);
  });

  it('deux notificateurs en même temps : chaque événement du journal donne ses courriels une seule fois', async () => {
    const w = await createWorld(t);
    for (let i = 0; i < 6; i += 1) await transmitted(w.agent, w.parquet.code, { title: `Signalement ${i}` });
    const other = createPrismaClient(testDatabaseUrl(), { maxConnections: 4 });
    clients.push(other);
    await Promise.all([
      processJournal(t.prisma, { appUrl: APP_URL, batchSize: 2 }),
      processJournal(other, { appUrl: APP_URL, batchSize: 2 }),
      processJournal(t.prisma, { appUrl: APP_URL, batchSize: 2 }),
    ]);
    const rows = await t.prisma.outgoingEmail.findMany({ select: { subject: true } });
    expect(rows).toHaveLength(6);
    expect(new Set(rows.map((row) => row.subject)).size).toBe(6);
  });

  it('un événement validé après que le notificateur a lu le journal n’est pas sauté (ordre des commits)', async () => {
    const w = await createWorld(t);
    const s = await transmitted(w.agent, w.parquet.code);
    await processJournal(t.prisma, { appUrl: APP_URL });
    expect(await t.prisma.outgoingEmail.count()).toBe(1);

    // Une décision en cours d'écriture : son événement a pris son identifiant mais n'est pas validé.
    const late = heldTransaction(t.prisma, async (tx) => {
      await tx.statusChange.create({
        data: { signalementId: s.internal, fromStatus: 'REGISTERED', toStatus: 'DECIDED', action: 'decide', actorId: w.prosecutor.user.id, organizationId: w.parquet.id },
      });
      await appendAuditEvent(tx, {
        actorId: w.prosecutor.user.id,
        organizationId: w.parquet.id,
        action: 'SIGNALEMENT_DECIDED',
        targetType: 'Signalement',
        targetId: s.internal,
        signalementId: s.internal,
        administrationId: w.administration.id,
        parquetId: w.parquet.id,
      });
    });
    await late.written;
    // Le chaîneur et le notificateur passent pendant ce temps : rien à chaîner ni à lire, la position reste avant cet événement.
    await chainAllPending(t.prisma);
    expect(await processJournalBatch(t.prisma, { appUrl: APP_URL })).toMatchObject({ events: 0, emails: 0 });
    await late.commit();
    // Validé, il est chaîné (ce que fait l'API après chaque opération), puis lu une fois.
    await chainAllPending(t.prisma);
    expect(await processJournalBatch(t.prisma, { appUrl: APP_URL })).toMatchObject({ events: 1, emails: 1 });
    expect((await t.prisma.outgoingEmail.findFirstOrThrow({ where: { event: 'DECISION' } })).subject).toBe(`[infoParquet] Décision du parquet — ${s.reference}`);
  });
});

describe('courriels : l’instance de l’API', () => {
  it('de bout en bout : la transmission par l’API arrive au serveur SMTP ; en panne, le courriel attend, puis arrive une fois quand il revient', async () => {
    const port = await deadSmtpPort();
    const api = await startInstance({ EMAIL_NOTIFICATIONS: 'true', DATABASE_URL: testDatabaseUrl(), SMTP_URL: `smtp://127.0.0.1:${port}`, NOTIFY_POLL_MS: '100', EMAIL_RETRY_BASE_MS: '100', APP_URL });
    const w = overHttp(api, await createWorld(t));
    const id = await createDraft(w.agent, w.parquet.code, { facts: FACTS });
    const reference = await transmitDraft(w.agent, id);
    let row = await waitForRow((email) => email.attempts >= 2);
    expect(row).toMatchObject({ status: 'PENDING' });
    expect(row.lastError).toMatch(/ECONNREFUSED/);

    const inbox = await startSmtp(port);
    await until(() => inbox.messages.length > 0, 8000, () => 'aucun courriel reçu après le retour du serveur');
    await sleep(500);
    expect(inbox.messages).toHaveLength(1);
    expect(inbox.messages[0]).toMatchObject({ to: [await emailOf(w.agent)], subject: `[infoParquet] Accusé de réception — ${reference}` });
    expectNoSecret(inbox);
    row = await t.prisma.outgoingEmail.findFirstOrThrow();
    expect(row.status).toBe('SENT');
  });

  it('sans SMTP_URL : le courriel est écrit en .eml dans EMAIL_DIR et la page de développement le liste ; 404 en production ou avec SMTP_URL', async () => {
    const directory = await mkdtemp(path.join(os.tmpdir(), 'infoparquet-courriels-'));
    try {
      // Pas de relecture périodique (une minute) : c'est le signal « le journal a avancé », après le commit, qui réveille le notificateur.
      const api = await startInstance({ EMAIL_NOTIFICATIONS: 'true', EMAIL_DIR: directory, NOTIFY_POLL_MS: '60000', APP_URL, DATABASE_URL: testDatabaseUrl() });
      const w = overHttp(api, await createWorld(t));
      const reference = await transmitDraft(w.agent, await createDraft(w.agent, w.parquet.code, { facts: FACTS, title: 'Fraude <b>aux</b> aides' }));
      let files: string[] = [];
      await waitUntil(async () => (files = (await readdir(directory)).filter((name) => name.endsWith('.eml'))).length > 0, 'aucun fichier .eml');
      expect(files).toHaveLength(1);
      const raw = await readFile(path.join(directory, files[0]!), 'utf8');
      expect(raw).toMatch(/^To: utilisateur\d+@test\.infoparquet$/m);
      expect(raw).not.toContain('FAITS-CONFIDENTIELS');

      const base = `http://127.0.0.1:${api.port}`;
      const page = await fetch(`${base}/dev/emails`);
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
      const html = await page.text();
      expect(html).toContain(`[infoParquet] Accusé de réception — ${reference}`);
      expect(html).toContain(await emailOf(w.agent));
      expect(html).toContain(`href="/dev/emails/${files[0]}"`);
      const message = await fetch(`${base}/dev/emails/${files[0]}`);
      expect(message.status).toBe(200);
      expect(await message.text()).toBe(raw);
      // Ni autre fichier du dossier, ni chemin qui en sort.
      for (const tricky of ['..%2F..%2Fpackage.json', '%2E%2E/%2E%2E/etc/passwd', `..%2F${path.basename(directory)}%2F${files[0]}`, 'inconnu.eml']) {
        expect((await fetch(`${base}/dev/emails/${tricky}`)).status).toBe(404);
      }
      await api.close();

      for (const overrides of [{ NODE_ENV: 'production' }, { SMTP_URL: 'smtp://127.0.0.1:9' }] as Record<string, string>[]) {
        const closed = await startInstance({ EMAIL_NOTIFICATIONS: 'false', EMAIL_DIR: directory, ...overrides });
        const base2 = `http://127.0.0.1:${closed.port}`;
        expect((await fetch(`${base2}/dev/emails`)).status).toBe(404);
        expect((await fetch(`${base2}/dev/emails/${files[0]}`)).status).toBe(404);
        await closed.close();
      }
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });
});

/** Attend une condition asynchrone (ou échoue en disant laquelle). */
async function waitUntil(check: () => Promise<boolean>, what: string, timeoutMs = 8000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`Délai dépassé : ${what}`);
    await sleep(50);
  }
}

/** La (seule) ligne de la boîte d'envoi, quand elle remplit la condition. */
async function waitForRow(check: (row: { attempts: number; status: string }) => boolean, timeoutMs = 8000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const row = await t.prisma.outgoingEmail.findFirst();
    if (row && check(row)) return row;
    if (Date.now() > deadline) throw new Error(`Délai dépassé : courriel ${row ? `${row.status}, ${row.attempts} essai(s), ${row.lastError}` : 'absent'}`);
    await sleep(50);
  }
}

describe('préférences et permanence par GraphQL', () => {
  const ME = '{ me { notificationPreferences { event label frequency changeable explanation } } }';
  const SET = 'mutation($e: NotificationEvent!, $f: NotificationFrequency!) { setNotificationPreference(event: $e, frequency: $f) { event label frequency changeable } }';
  const ON_DUTY = 'mutation($id: ID!, $on: Boolean!) { setOnDuty(id: $id, onDuty: $on) { id onDuty } }';

  it('me.notificationPreferences : sans session UNAUTHENTICATED ; les événements de son organisation, « immédiatement » par défaut', async () => {
    const w = await createWorld(t);
    expect(errorCode(await t.anonymous.gql(ME))).toBe('UNAUTHENTICATED');
    const admin = (await ok(w.reader, ME)).me.notificationPreferences;
    expect(admin).toEqual([
      { event: 'PROOF_OF_DEPOSIT', label: 'Accusé de réception de mes transmissions', frequency: 'IMMEDIATE', changeable: true, explanation: null },
      { event: 'INFORMATION_REQUESTED', label: 'Demande de renseignements du parquet', frequency: 'IMMEDIATE', changeable: true, explanation: null },
      { event: 'DECISION', label: 'Décision du parquet', frequency: 'IMMEDIATE', changeable: true, explanation: null },
    ]);
    const parquet = (await ok(w.clerk, ME)).me.notificationPreferences;
    expect(parquet.map((p: { event: string; changeable: boolean }) => [p.event, p.changeable])).toEqual([
      ['URGENT_RECEIVED', false],
      ['ESCALATION', true],
      ['INFORMATION_ANSWERED', true],
    ]);
    expect(parquet[0].explanation).toMatch(/ne peut être ni différée ni désactivée/);
    expect((await ok(w.platformAdmin, ME)).me.notificationPreferences).toEqual([]);
  });

  it('les préférences d’un autre membre ne se lisent pas (nul)', async () => {
    const w = await createWorld(t);
    const { members } = await ok(w.agent, '{ members { id notificationPreferences { event } } }');
    const others = members.filter((member: { id: string }) => member.id !== userGlobalId(w.agent.user.id));
    expect(others.length).toBeGreaterThan(0);
    expect(others.every((member: { notificationPreferences: unknown }) => member.notificationPreferences === null)).toBe(true);
  });

  it('setNotificationPreference : sans session UNAUTHENTICATED ; événement d’une autre nature d’organisation ou alerte urgente coupée : BAD_USER_INPUT ; sinon enregistré et consigné', async () => {
    const w = await createWorld(t);
    expect(errorCode(await t.anonymous.gql(SET, { e: 'DECISION', f: 'NEVER' }))).toBe('UNAUTHENTICATED');

    const wrongKind = await w.agent.client.gql(SET, { e: 'ESCALATION', f: 'NEVER' });
    expect(errorCode(wrongKind)).toBe('BAD_USER_INPUT');
    expect(wrongKind.errors![0]!.extensions!.fields).toEqual([
      { field: 'event', message: 'Cet événement ne concerne pas les membres d’une administration : choisissez parmi « Accusé de réception de mes transmissions », « Demande de renseignements du parquet », « Décision du parquet ».' },
    ]);
    expect(errorCode(await w.platformAdmin.client.gql(SET, { e: 'DECISION', f: 'NEVER' }))).toBe('BAD_USER_INPUT');
    for (const frequency of ['NEVER', 'DAILY_DIGEST']) {
      const locked = await w.prosecutor.client.gql(SET, { e: 'URGENT_RECEIVED', f: frequency });
      expect(errorCode(locked)).toBe('BAD_USER_INPUT');
      expect(locked.errors![0]!.message).toBe(
        'Saisie invalide. Les alertes urgentes adressées à la permanence ne peuvent être ni différées ni désactivées : seule la fréquence « Immédiatement » est possible.',
      );
    }
    expect(await t.prisma.notificationPreference.count()).toBe(0);

    expect((await ok(w.agent, SET, { e: 'DECISION', f: 'DAILY_DIGEST' })).setNotificationPreference).toEqual({
      event: 'DECISION',
      label: 'Décision du parquet',
      frequency: 'DAILY_DIGEST',
      changeable: true,
    });
    await ok(w.prosecutor, SET, { e: 'URGENT_RECEIVED', f: 'IMMEDIATE' });
    const mine = (await ok(w.agent, ME)).me.notificationPreferences;
    expect(mine.find((p: { event: string }) => p.event === 'DECISION').frequency).toBe('DAILY_DIGEST');
    // Le choix de l'un ne change rien pour l'autre.
    expect((await ok(w.manager, ME)).me.notificationPreferences.find((p: { event: string }) => p.event === 'DECISION').frequency).toBe('IMMEDIATE');
    const audit = await t.prisma.auditEvent.findMany({ where: { action: 'NOTIFICATION_PREFERENCE_CHANGED' } });
    expect(audit.map((event) => [event.actorId, event.before, event.after])).toEqual([
      [w.agent.user.id, { event: 'DECISION', frequency: 'IMMEDIATE' }, { event: 'DECISION', frequency: 'DAILY_DIGEST' }],
    ]);
  });

  it('setOnDuty : sans session UNAUTHENTICATED ; autre rôle que chef de parquet FORBIDDEN ; membre d’un autre parquet comme inconnu (NOT_FOUND) ; un greffier refusé ; sinon inscrit, visible et consigné', async () => {
    const w = await createWorld(t);
    const target = userGlobalId(w.prosecutor.user.id);
    expect(errorCode(await t.anonymous.gql(ON_DUTY, { id: target, on: true }))).toBe('UNAUTHENTICATED');
    for (const actor of [w.prosecutor, w.clerk, w.manager, w.agent, w.platformAdmin]) {
      expect(errorCode(await actor.client.gql(ON_DUTY, { id: target, on: true }))).toBe('FORBIDDEN');
    }
    const foreign = await w.head.client.gql(ON_DUTY, { id: userGlobalId(w.otherProsecutor.user.id), on: true });
    const unknown = await w.head.client.gql(ON_DUTY, { id: userGlobalId(randomUUID()), on: true });
    expect(errorCode(foreign)).toBe('NOT_FOUND');
    expect(foreign.errors![0]!.message).toBe(unknown.errors![0]!.message);
    const clerk = await w.head.client.gql(ON_DUTY, { id: userGlobalId(w.clerk.user.id), on: true });
    expect(errorCode(clerk)).toBe('BAD_USER_INPUT');
    expect(clerk.errors![0]!.message).toContain('Seul un magistrat');
    expect(await t.prisma.user.count({ where: { onDuty: true } })).toBe(0);

    expect((await ok(w.head, ON_DUTY, { id: target, on: true })).setOnDuty).toEqual({ id: target, onDuty: true });
    // Le chef de parquet peut s'inscrire lui-même.
    await ok(w.head, ON_DUTY, { id: userGlobalId(w.head.user.id), on: true });
    const { members } = await ok(w.clerk, '{ members { id onDuty } }');
    expect(members.filter((member: { onDuty: boolean }) => member.onDuty).map((member: { id: string }) => member.id).sort()).toEqual(
      [target, userGlobalId(w.head.user.id)].sort(),
    );
    await ok(w.head, ON_DUTY, { id: target, on: false });
    const audit = await t.prisma.auditEvent.findMany({ where: { action: 'MEMBER_ON_DUTY_CHANGED' }, orderBy: { id: 'asc' } });
    expect(audit.map((event) => [event.actorId, event.targetId, event.after])).toEqual([
      [w.head.user.id, w.prosecutor.user.id, { onDuty: true }],
      [w.head.user.id, w.head.user.id, { onDuty: true }],
      [w.head.user.id, w.prosecutor.user.id, { onDuty: false }],
    ]);
  });
});
