import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

/** A real SMTP server on a loopback port, keeping what it receives (parsed). */
export interface TestSmtp {
  /** For SMTP_URL. */
  url: string;
  readonly received: readonly ParsedMail[];
  /** The next mail not taken yet, once it has arrived. */
  next(): Promise<ParsedMail>;
  /** Every mail arrived and not taken yet (after the sender is done: nothing is waited for). */
  takeAll(): ParsedMail[];
  /** While on, every recipient is refused (550), as a server refusing the mail would. */
  refuseRecipients(on: boolean): void;
  close(): Promise<void>;
}

export async function startSmtp(): Promise<TestSmtp> {
  const received: ParsedMail[] = [];
  const waiting: Array<(mail: ParsedMail) => void> = [];
  let taken = 0;
  let refusing = false;
  const server = new SMTPServer({
    // Plain SMTP on loopback: no TLS to upgrade to, no login asked for.
    disabledCommands: ['STARTTLS', 'AUTH'],
    authOptional: true,
    logger: false,
    onRcptTo(_address, _session, callback) {
      if (!refusing) return callback();
      const error = Object.assign(new Error('Mailbox unavailable'), { responseCode: 550 });
      return callback(error);
    },
    onData(stream, _session, callback) {
      simpleParser(stream).then(
        (mail) => {
          received.push(mail);
          callback();
          while (waiting.length > 0 && taken < received.length) (waiting.shift() as (m: ParsedMail) => void)(received[taken++] as ParsedMail);
        },
        (error: Error) => callback(error),
      );
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    received,
    next: () => (taken < received.length ? Promise.resolve(received[taken++] as ParsedMail) : new Promise((resolve) => waiting.push(resolve))),
    takeAll: () => {
      const out = received.slice(taken);
      taken = received.length;
      return out;
    },
    refuseRecipients: (on) => {
      refusing = on;
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
