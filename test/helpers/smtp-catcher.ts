import { EventEmitter } from 'node:events';
import { ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { freePort } from '@selfeval/jobs';
import { within } from './job-events';

export type SmtpCatcher = Awaited<ReturnType<typeof startSmtpCatcher>>;

/** A real SMTP server on loopback that keeps every message it accepts in full, parsed. */
export async function startSmtpCatcher() {
  const messages: ParsedMail[] = [];
  const arrivals = new EventEmitter();
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onData(stream, _session, callback) {
      // a client that dies in the middle of DATA never gets 250 OK: like a real MTA, keep only messages received in full
      let complete = false;
      stream.on('end', () => (complete = true));
      stream.on('error', () => undefined);
      simpleParser(stream).then(
        (mail) => {
          if (complete) {
            messages.push(mail);
            arrivals.emit('mail');
          }
          callback();
        },
        (err) => callback(err),
      );
    },
  });
  // a sender killed mid-connection resets its socket: that is the sender's failure, not the server's
  server.on('error', () => undefined);
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));

  /** The `count`-th message matching `match`, as soon as it has arrived. */
  function received(match: (m: ParsedMail) => boolean, what: string, count = 1, ms = 120_000): Promise<ParsedMail> {
    let onMail = () => undefined as void;
    const arrived = new Promise<ParsedMail>((resolve) => {
      onMail = () => {
        const found = messages.filter(match);
        if (found.length >= count) resolve(found[count - 1]);
      };
      arrivals.on('mail', onMail);
      onMail();
    });
    return within(arrived, `waiting for ${what}`, ms).finally(() => arrivals.off('mail', onMail));
  }

  return {
    url: `smtp://127.0.0.1:${port}`,
    messages,
    received,
    /** the mail with this subject (the `count`-th one) */
    withSubject: (subject: string, count = 1) => received((m) => m.subject === subject, `mail “${subject}”`, count),
    stop: () => new Promise<void>((r) => server.close(() => r())),
  };
}
