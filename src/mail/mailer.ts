import nodemailer from 'nodemailer';

/** One plain-text mail to one address. */
export interface MailMessage {
  to: string;
  subject: string;
  text: string;
}

/** Sends mail; a failure rejects (the caller decides what to log). Never call it inside a transaction. */
export interface Mailer {
  send(message: MailMessage): Promise<void>;
  close(): void;
}

/** How long the SMTP server may take: to accept the connection, to greet, and between two answers. */
const CONNECTION_TIMEOUT_MS = 10_000;
const GREETING_TIMEOUT_MS = 10_000;
const SOCKET_TIMEOUT_MS = 30_000;

/**
 * Mail through the SMTP server of SMTP_URL, with nodemailer: `smtp://` upgrades with STARTTLS
 * when the server offers it, `smtps://` is TLS from the start; user and password (and
 * nodemailer's options as query parameters) come from the URL. One connection per mail: sign-in
 * mails are few, and nothing stays open between them.
 */
export function smtpMailer(smtpUrl: string, from: string): Mailer {
  const transport = nodemailer.createTransport(
    { url: smtpUrl, connectionTimeout: CONNECTION_TIMEOUT_MS, greetingTimeout: GREETING_TIMEOUT_MS, socketTimeout: SOCKET_TIMEOUT_MS },
    { from },
  );
  return {
    async send(message) {
      await transport.sendMail({ to: message.to, subject: message.subject, text: message.text });
    },
    close: () => transport.close(),
  };
}
