import type { NotificationEvent } from '@infoparquet/db';
import { describe, expect, it } from 'vitest';
import { NOTIFICATION_EVENTS } from './rules.js';
import { digestEmail, escapeHtml, eventEmail, signalementLink } from './templates.js';

const APP_URL = 'https://infoparquet.exemple.gouv.fr';
const SIGNALEMENT_ID = '0b6f1c7e-3d2a-4c55-9a8e-2f1d0c9b8a77';
const mention = { signalementId: SIGNALEMENT_ID, reference: 'IP-2026-MELUN-000012', title: 'Tromperie sur l’origine des produits' };
const LINK = `${APP_URL}/signalements/${encodeURIComponent(Buffer.from(`Signalement:${SIGNALEMENT_ID}`).toString('base64'))}`;

/** Tout le texte d'un courriel : objet, texte brut et HTML. */
const everything = (content: { subject: string; text: string; html: string }) => `${content.subject}\n${content.text}\n${content.html}`;

describe('courriels : contenu', () => {
  it('le lien mène à la page du signalement dans l’application web (identifiant global encodé)', () => {
    expect(signalementLink(APP_URL, SIGNALEMENT_ID)).toBe(LINK);
  });

  it.each(NOTIFICATION_EVENTS)('%s : objet « [infoParquet] … — référence », référence, titre et lien en texte comme en HTML', (event) => {
    const email = eventEmail(event, mention, APP_URL);
    expect(email.subject).toMatch(/^\[infoParquet\] /);
    expect(email.subject.endsWith(` — ${mention.reference}`)).toBe(true);
    for (const part of [email.text, email.html]) {
      expect(part).toContain(mention.reference);
      expect(part).toContain(mention.title);
      expect(part).toContain(LINK);
    }
  });

  it('l’objet de chaque événement dit ce qui s’est passé', () => {
    const subjects = Object.fromEntries(NOTIFICATION_EVENTS.map((event) => [event, eventEmail(event, mention, APP_URL).subject]));
    expect(subjects).toEqual({
      PROOF_OF_DEPOSIT: '[infoParquet] Accusé de réception — IP-2026-MELUN-000012',
      INFORMATION_REQUESTED: '[infoParquet] Demande de renseignements — IP-2026-MELUN-000012',
      DECISION: '[infoParquet] Décision du parquet — IP-2026-MELUN-000012',
      URGENT_RECEIVED: '[infoParquet] URGENT Signalement urgent reçu — IP-2026-MELUN-000012',
      ESCALATION: '[infoParquet] URGENT Urgent toujours pas enregistré — IP-2026-MELUN-000012',
      INFORMATION_ANSWERED: '[infoParquet] Réponse à la demande de renseignements — IP-2026-MELUN-000012',
    });
  });

  it('l’accusé de réception et la décision disent où trouver leur document', () => {
    expect(eventEmail('PROOF_OF_DEPOSIT', mention, APP_URL).text).toContain('L’accusé de réception (PDF) est téléchargeable sur la page du signalement.');
    expect(eventEmail('DECISION', mention, APP_URL).text).toContain('L’avis de décision (article 40-2 du code de procédure pénale) est disponible sur la page du signalement.');
    expect(eventEmail('ESCALATION', mention, APP_URL, { escalationLevel: 2 }).text).toContain('(alerte n° 2)');
  });

  it('rien d’autre du signalement : le texte ne varie qu’avec la référence, le titre et l’identifiant', () => {
    // Deux signalements qui ne partagent rien : en remplaçant leurs trois éléments par des marques,
    // les courriels sont identiques. Aucune autre donnée ne peut donc y entrer.
    const other = { signalementId: 'f3e2d1c0-b9a8-4765-8432-10fedcba9876', reference: 'IP-2027-BLOIS-004321', title: 'Travail dissimulé sur un chantier' };
    const neutral = (event: NotificationEvent, m: typeof mention) => {
      const link = signalementLink(APP_URL, m.signalementId);
      return everything(eventEmail(event, m, APP_URL)).replaceAll(link, '<LIEN>').replaceAll(m.reference, '<REF>').replaceAll(escapeHtml(m.title), '<TITRE>').replaceAll(m.title, '<TITRE>');
    };
    for (const event of NOTIFICATION_EVENTS) expect(neutral(event, mention)).toBe(neutral(event, other));
  });

  it('le titre est échappé en HTML (pas de balise injectée), et reste tel quel en texte brut', () => {
    const hostile = { ...mention, title: 'Fraude <script>alert("x")</script> & <b>gras</b> \'cité\'' };
    const email = eventEmail('DECISION', hostile, APP_URL);
    expect(email.html).not.toContain('<script>');
    expect(email.html).not.toContain('<b>gras</b>');
    expect(email.html).toContain('Fraude &#60;script&#62;alert(&#34;x&#34;)&#60;/script&#62; &#38; &#60;b&#62;gras&#60;/b&#62; &#39;cité&#39;');
    expect(email.text).toContain(`Titre : ${hostile.title}`);
  });

  it('un saut de ligne dans la référence ou le titre ne crée pas de ligne d’en-tête ni de ligne de texte', () => {
    const email = eventEmail('PROOF_OF_DEPOSIT', { ...mention, reference: 'IP-2026-MELUN-000012\r\nBcc: x@y.z', title: 'Titre\nBcc: x@y.z' }, APP_URL);
    expect(email.subject).not.toMatch(/[\r\n]/);
    expect(email.text).not.toMatch(/^Bcc:/m);
  });

  it('l’alerte urgente dit qu’elle ne peut pas être désactivée ; les autres renvoient vers le choix des préférences', () => {
    expect(eventEmail('URGENT_RECEIVED', mention, APP_URL).text).toContain('Cette alerte de permanence ne peut pas être désactivée.');
    expect(eventEmail('URGENT_RECEIVED', mention, APP_URL).text).not.toContain(`${APP_URL}/preferences`);
    expect(eventEmail('DECISION', mention, APP_URL).text).toContain(`${APP_URL}/preferences`);
  });
});

describe('courriels : récapitulatif quotidien', () => {
  const entries = [
    { ...mention, event: 'PROOF_OF_DEPOSIT' as const, at: new Date('2026-03-12T09:15:00Z') },
    { signalementId: 'f3e2d1c0-b9a8-4765-8432-10fedcba9876', reference: 'IP-2026-MELUN-000013', title: 'Vente de produits <dangereux>', event: 'DECISION' as const, at: new Date('2026-03-12T15:40:00Z') },
  ];

  it('un seul courriel : chaque événement avec son libellé, sa date (heure de Paris), sa référence, son titre et son lien', () => {
    const email = digestEmail(entries, APP_URL);
    expect(email.subject).toBe('[infoParquet] Récapitulatif quotidien — 2 événements');
    expect(email.text).toContain('- 12/03/2026 10:15 — Accusé de réception\n  IP-2026-MELUN-000012 — Tromperie sur l’origine des produits');
    expect(email.text).toContain('- 12/03/2026 16:40 — Décision du parquet\n  IP-2026-MELUN-000013 — Vente de produits <dangereux>');
    for (const entry of entries) {
      expect(email.text).toContain(signalementLink(APP_URL, entry.signalementId));
      expect(email.html).toContain(signalementLink(APP_URL, entry.signalementId));
    }
    expect(email.html).toContain('Vente de produits &#60;dangereux&#62;');
    expect(email.html).not.toContain('<dangereux>');
  });

  it('au singulier pour un seul événement', () => {
    expect(digestEmail(entries.slice(0, 1), APP_URL).subject).toBe('[infoParquet] Récapitulatif quotidien — 1 événement');
  });
});
