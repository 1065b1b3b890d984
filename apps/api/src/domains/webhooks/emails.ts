/**
 * Le courriel aux responsables quand une adresse de webhook est désactivée : l'adresse et la
 * raison, rien d'autre (ni signalement, ni contenu).
 */
export interface DisabledWebhookEmail {
  subject: string;
  text: string;
  html: string;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[char]!);
}

export function disabledWebhookEmail(url: string, reason: string, appUrl: string): DisabledWebhookEmail {
  const page = `${appUrl}/organisation/acces-api`;
  const paragraphs = [
    'Bonjour,',
    `L’adresse de webhook ${url} de votre organisation a été désactivée : ${reason}.`,
    'Les événements ne lui sont plus envoyés. Une fois le problème corrigé, réactivez-la puis rejouez les événements manqués depuis le dernier reçu (champ « id » de la dernière livraison reçue) :',
    page,
    '— infoParquet',
  ];
  return {
    subject: 'Webhook désactivé après des échecs répétés',
    text: `${paragraphs.join('\n\n')}\n`,
    html: paragraphs
      .map((paragraph) => (paragraph === page ? `<p><a href="${escapeHtml(page)}">${escapeHtml(page)}</a></p>` : `<p>${escapeHtml(paragraph)}</p>`))
      .join('\n'),
  };
}
