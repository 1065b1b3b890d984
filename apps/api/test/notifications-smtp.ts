import type { AddressInfo } from 'node:net';
import { simpleParser, type AddressObject, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { afterEach } from 'vitest';

/**
 * Un vrai serveur SMTP pour les tests des courriels (paquet `smtp-server`), sur un port libre :
 * il garde chaque message reçu, lu par `mailparser`. Il peut refuser les connexions (421, « service
 * indisponible ») le temps qu'on veut, et refuser définitivement des adresses (550). Tout ce qui est ouvert est refermé après chaque test.
 */
export interface ReceivedEmail {
  to: string[];
  subject: string;
  text: string;
  html: string;
  messageId: string;
  /** Objet, texte et HTML bout à bout, pour chercher ce qui ne doit pas y être. */
  all: string;
}

export interface Inbox {
  port: number;
  url: string;
  messages: ReceivedEmail[];
  /** Tant que vrai, chaque connexion reçoit « 421 Service indisponible ». */
  refusing: boolean;
  /** Connexions refusées jusqu'ici. */
  refused: number;
  /** Adresses refusées définitivement (« 550 Adresse inconnue »). */
  rejecting: Set<string>;
  close(): Promise<void>;
}

const opened: Inbox[] = [];

afterEach(async () => {
  while (opened.length > 0) await opened.pop()!.close();
});

function addresses(field: AddressObject | AddressObject[] | undefined): string[] {
  const list = Array.isArray(field) ? field : field ? [field] : [];
  return list.flatMap((entry) => entry.value.map((address) => address.address ?? ''));
}

function toReceived(mail: ParsedMail): ReceivedEmail {
  const subject = mail.subject ?? '';
  const text = mail.text ?? '';
  const html = typeof mail.html === 'string' ? mail.html : '';
  return { to: addresses(mail.to), subject, text, html, messageId: mail.messageId ?? '', all: `${subject}\n${text}\n${html}` };
}

/** Démarre un serveur SMTP (port libre, ou le port donné : « le serveur revient »). */
export async function startSmtp(port = 0): Promise<Inbox> {
  let server: SMTPServer;
  const inbox: Inbox = {
    port: 0,
    url: '',
    messages: [],
    refusing: false,
    refused: 0,
    rejecting: new Set(),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onConnect(_session, callback) {
      if (!inbox.refusing) return callback();
      inbox.refused += 1;
      callback(Object.assign(new Error('Service temporairement indisponible'), { responseCode: 421 }));
    },
    onRcptTo(address, _session, callback) {
      if (!inbox.rejecting.has(address.address)) return callback();
      callback(Object.assign(new Error('Adresse inconnue'), { responseCode: 550 }));
    },
    onData(stream, _session, callback) {
      simpleParser(stream).then(
        (mail) => {
          inbox.messages.push(toReceived(mail));
          callback();
        },
        (error: Error) => callback(error),
      );
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  inbox.port = (server.server.address() as AddressInfo).port;
  inbox.url = `smtp://127.0.0.1:${inbox.port}`;
  opened.push(inbox);
  return inbox;
}

/** Un port où rien n'écoute (pris à un serveur aussitôt fermé) : « le serveur SMTP est en panne ». */
export async function deadSmtpPort(): Promise<number> {
  const inbox = await startSmtp();
  opened.splice(opened.indexOf(inbox), 1);
  await inbox.close();
  return inbox.port;
}
