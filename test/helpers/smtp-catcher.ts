import { ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { freePort } from '@selfeval/jobs';

/** A real SMTP server on loopback that keeps every message it accepts in full, parsed. */
export async function startSmtpCatcher(): Promise<{ url: string; messages: ParsedMail[]; stop: () => Promise<void> }> {
  const messages: ParsedMail[] = [];
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
          if (complete) messages.push(mail);
          callback();
        },
        (err) => callback(err),
      );
    },
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { url: `smtp://127.0.0.1:${port}`, messages, stop: () => new Promise((r) => server.close(() => r())) };
}
