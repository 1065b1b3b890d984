import type { NotificationEvent } from '@infoparquet/db';
import { encodeGlobalID } from '@pothos/plugin-relay';

/**
 * Le texte des courriels, en texte brut et en HTML simple. Un courriel ne porte du signalement
 * que sa référence, son titre et un lien vers sa page : ni les faits, ni les personnes, ni les
 * motifs d'une décision. Tout le reste se lit après connexion, dans le périmètre de chacun.
 */

export interface EmailContent {
  subject: string;
  text: string;
  html: string;
}

/** Ce qu'un courriel peut dire d'un signalement, et rien d'autre. */
export interface SignalementMention {
  signalementId: string;
  reference: string;
  title: string;
}

export interface EventDetails {
  /** Numéro de l'alerte d'escalade (1 pour la première). */
  escalationLevel?: number;
}

/** Le nom court de chaque événement, dans l'objet et dans le récapitulatif. */
export const EVENT_SHORT_LABELS: Record<NotificationEvent, string> = {
  PROOF_OF_DEPOSIT: 'Accusé de réception',
  URGENT_RECEIVED: 'Signalement urgent reçu',
  ESCALATION: 'Urgent toujours pas enregistré',
  INFORMATION_REQUESTED: 'Demande de renseignements',
  INFORMATION_ANSWERED: 'Réponse à la demande de renseignements',
  DECISION: 'Décision du parquet',
};

interface EventWording {
  /** Ce qui s'est passé. */
  intro: (details: EventDetails) => string;
  /** Ce que la personne trouvera sur la page du signalement. */
  next: string;
}

const WORDING: Record<NotificationEvent, EventWording> = {
  PROOF_OF_DEPOSIT: {
    intro: () => 'Votre signalement a bien été transmis au parquet.',
    next: 'L’accusé de réception (PDF) est téléchargeable sur la page du signalement.',
  },
  URGENT_RECEIVED: {
    intro: () => 'Un signalement urgent vient d’arriver au parquet : il attend son enregistrement.',
    next: 'Ouvrez-le pour l’enregistrer et l’orienter.',
  },
  ESCALATION: {
    intro: ({ escalationLevel }) =>
      `Un signalement urgent n’est toujours pas enregistré après le délai d’alerte${escalationLevel ? ` (alerte n° ${escalationLevel})` : ''}.`,
    next: 'Assurez-vous qu’un membre du parquet le prend en charge.',
  },
  INFORMATION_REQUESTED: {
    intro: () => 'Le parquet demande des renseignements sur votre signalement.',
    next: 'La demande se lit, et la réponse se dépose, sur la page du signalement.',
  },
  INFORMATION_ANSWERED: {
    intro: () => 'L’administration a répondu à la demande de renseignements.',
    next: 'La réponse et ses pièces se lisent sur la page du signalement.',
  },
  DECISION: {
    intro: () => 'Le parquet a pris une décision sur votre signalement.',
    next: 'L’avis de décision (article 40-2 du code de procédure pénale) est disponible sur la page du signalement.',
  },
};

const SUBJECT_PREFIX = '[infoParquet]';

/** Le lien vers la page du signalement dans l'application web. */
export function signalementLink(appUrl: string, signalementId: string): string {
  return `${appUrl}/signalements/${encodeURIComponent(encodeGlobalID('Signalement', signalementId))}`;
}

export function preferencesLink(appUrl: string): string {
  return `${appUrl}/preferences`;
}

/** Échappe un texte pour le HTML (contenu et valeurs d'attribut). */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

/** Une ligne d'en-tête ne contient jamais de saut de ligne (pas d'injection d'en-tête). */
function oneLine(text: string): string {
  return text.replace(/[\r\n\t]+/g, ' ').trim();
}

const PARIS_DATE_TIME = new Intl.DateTimeFormat('fr-FR', { timeZone: 'Europe/Paris', dateStyle: 'short', timeStyle: 'short' });

function footer(appUrl: string, locked: boolean): { text: string; html: string } {
  const choice = locked
    ? 'Cette alerte de permanence ne peut pas être désactivée.'
    : `Pour choisir quand recevoir ces courriels (immédiatement, en récapitulatif quotidien ou jamais) : ${preferencesLink(appUrl)}`;
  const text = [
    'Ce courriel automatique ne contient que la référence et le titre du signalement ; le reste se consulte après connexion.',
    choice,
    'Merci de ne pas répondre à ce message.',
  ].join('\n');
  const htmlChoice = locked
    ? escapeHtml(choice)
    : `Pour choisir quand recevoir ces courriels (immédiatement, en récapitulatif quotidien ou jamais) : <a href="${escapeHtml(preferencesLink(appUrl))}">mes notifications</a>.`;
  const html = `<p style="font-size:12px;color:#666666">Ce courriel automatique ne contient que la référence et le titre du signalement ; le reste se consulte après connexion.<br>${htmlChoice}<br>Merci de ne pas répondre à ce message.</p>`;
  return { text, html };
}

function htmlPage(body: string): string {
  return `<!doctype html>\n<html lang="fr"><head><meta charset="utf-8"></head><body style="font-family:Arial,Helvetica,sans-serif;color:#161616;line-height:1.5">\n${body}\n</body></html>\n`;
}

/** Le courriel qui annonce un événement d'un signalement. */
export function eventEmail(event: NotificationEvent, mention: SignalementMention, appUrl: string, details: EventDetails = {}): EmailContent {
  const wording = WORDING[event];
  const link = signalementLink(appUrl, mention.signalementId);
  const reference = oneLine(mention.reference);
  const prefix = event === 'URGENT_RECEIVED' || event === 'ESCALATION' ? `${SUBJECT_PREFIX} URGENT` : SUBJECT_PREFIX;
  const subject = `${prefix} ${EVENT_SHORT_LABELS[event]} — ${reference}`;
  const intro = wording.intro(details);
  const foot = footer(appUrl, event === 'URGENT_RECEIVED');
  const text = [
    'Bonjour,',
    '',
    intro,
    '',
    `Référence : ${reference}`,
    `Titre : ${oneLine(mention.title)}`,
    '',
    wording.next,
    link,
    '',
    '-- ',
    foot.text,
    '',
  ].join('\n');
  const html = htmlPage(
    [
      '<p>Bonjour,</p>',
      `<p>${escapeHtml(intro)}</p>`,
      '<table role="presentation" style="border-collapse:collapse">',
      `<tr><th align="left" style="padding:2px 12px 2px 0">Référence</th><td>${escapeHtml(reference)}</td></tr>`,
      `<tr><th align="left" style="padding:2px 12px 2px 0">Titre</th><td>${escapeHtml(mention.title)}</td></tr>`,
      '</table>',
      `<p>${escapeHtml(wording.next)}</p>`,
      `<p><a href="${escapeHtml(link)}">Ouvrir le signalement ${escapeHtml(reference)}</a></p>`,
      '<hr>',
      foot.html,
    ].join('\n'),
  );
  return { subject, text, html };
}

/** Une ligne du récapitulatif quotidien. */
export interface DigestEntry extends SignalementMention {
  event: NotificationEvent;
  at: Date;
}

/** Le récapitulatif quotidien : un courriel qui liste les événements mis de côté, dans l'ordre. */
export function digestEmail(entries: readonly DigestEntry[], appUrl: string): EmailContent {
  const count = entries.length;
  const subject = `${SUBJECT_PREFIX} Récapitulatif quotidien — ${count} ${count > 1 ? 'événements' : 'événement'}`;
  const heading =
    count > 1 ? `Voici les ${count} événements qui vous concernent depuis le dernier récapitulatif :` : 'Voici l’événement qui vous concerne depuis le dernier récapitulatif :';
  const foot = footer(appUrl, false);
  const lines = entries.map((entry) => {
    const link = signalementLink(appUrl, entry.signalementId);
    return [`- ${PARIS_DATE_TIME.format(entry.at)} — ${EVENT_SHORT_LABELS[entry.event]}`, `  ${oneLine(entry.reference)} — ${oneLine(entry.title)}`, `  ${link}`].join('\n');
  });
  const text = [
    'Bonjour,',
    '',
    heading,
    '',
    lines.join('\n\n'),
    '',
    '-- ',
    foot.text,
    '',
  ].join('\n');
  const items = entries.map((entry) => {
    const link = signalementLink(appUrl, entry.signalementId);
    return `<li style="margin-bottom:8px">${escapeHtml(PARIS_DATE_TIME.format(entry.at))} — <strong>${escapeHtml(EVENT_SHORT_LABELS[entry.event])}</strong><br><a href="${escapeHtml(link)}">${escapeHtml(oneLine(entry.reference))}</a> — ${escapeHtml(entry.title)}</li>`;
  });
  const html = htmlPage(
    [
      '<p>Bonjour,</p>',
      `<p>${escapeHtml(heading)}</p>`,
      `<ul>\n${items.join('\n')}\n</ul>`,
      '<hr>',
      foot.html,
    ].join('\n'),
  );
  return { subject, text, html };
}
