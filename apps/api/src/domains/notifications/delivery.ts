import { mkdir, rename, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import nodemailer from 'nodemailer';
import type { Env } from '../../env.js';

/**
 * La remise d'un courriel : par SMTP quand SMTP_URL est défini, sinon en fichier RFC 822 (.eml)
 * dans EMAIL_DIR, que la page de développement /dev/emails liste. Dans les deux cas le message est
 * composé par nodemailer, le même octet pour octet.
 */
export interface OutgoingMessage {
  /** Identifiant de la ligne de la boîte d'envoi : il fait le Message-ID (un renvoi se reconnaît). */
  id: string;
  to: string;
  subject: string;
  text: string;
  html: string | null;
}

export interface Mailer {
  /** Remet le message, ou lève l'erreur du serveur (le message reste alors dans la boîte d'envoi). */
  send(message: OutgoingMessage): Promise<void>;
  close(): void;
}

/** Le dossier des .eml : EMAIL_DIR, sinon `.data/emails` à la racine du dépôt (un dossier temporaire en test). */
export function emailDirectory(env: Pick<Env, 'EMAIL_DIR' | 'NODE_ENV'>): string {
  if (env.EMAIL_DIR) return path.resolve(env.EMAIL_DIR);
  if (env.NODE_ENV === 'test') return path.join(os.tmpdir(), 'infoparquet-test-emails');
  return path.resolve(import.meta.dirname, '../../../../../.data/emails');
}

/** Les courriels sont écrits en fichiers (et listés par /dev/emails) quand aucun serveur SMTP n'est configuré. */
export function writesEmailFiles(env: Pick<Env, 'SMTP_URL'>): boolean {
  return !env.SMTP_URL;
}

function mailOptions(from: string, message: OutgoingMessage) {
  return {
    from,
    to: message.to,
    subject: message.subject,
    text: message.text,
    ...(message.html ? { html: message.html } : {}),
    messageId: `<${message.id}@infoparquet>`,
    // RFC 3834 : un courriel automatique, auquel les répondeurs ne répondent pas.
    headers: { 'Auto-Submitted': 'auto-generated' },
  };
}

/** Nom de fichier triable par date d'envoi, puis par identifiant : `20261130T081500123Z-<uuid>.eml`. */
export function emlFileName(sentAt: Date, id: string): string {
  return `${sentAt.toISOString().replace(/[-:.]/g, '')}-${id}.eml`;
}

export function createMailer(env: Pick<Env, 'SMTP_URL' | 'EMAIL_FROM' | 'EMAIL_DIR' | 'NODE_ENV'>): Mailer {
  if (env.SMTP_URL) {
    // Délais courts : un serveur muet fait échouer l'envoi (il sera réessayé) au lieu de le bloquer.
    const transport = nodemailer.createTransport({
      url: env.SMTP_URL,
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
      socketTimeout: 30_000,
    });
    return {
      async send(message) {
        await transport.sendMail(mailOptions(env.EMAIL_FROM, message));
      },
      close: () => transport.close(),
    };
  }
  const directory = emailDirectory(env);
  const transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  return {
    async send(message) {
      const info = await transport.sendMail(mailOptions(env.EMAIL_FROM, message));
      await mkdir(directory, { recursive: true });
      const name = emlFileName(new Date(), message.id);
      // Écrit à côté puis renommé : la page de développement ne lit jamais un fichier à moitié écrit.
      const partial = path.join(directory, `.${name}.partial`);
      await writeFile(partial, info.message as Buffer);
      await rename(partial, path.join(directory, name));
    },
    close: () => transport.close(),
  };
}
