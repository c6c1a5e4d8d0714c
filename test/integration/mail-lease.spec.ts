import { SMTPServer } from 'smtp-server';
import { MailDeliveryEntity } from '@selfeval/db';
import { freePort, RetryLater } from '@selfeval/jobs';
import { MailService } from '@selfeval/mail';
import { testConfig } from '../helpers/config';
import { openedDataSource, sqliteFile, TestDatabase } from '../helpers/data-source';
import { createPgSchema } from '../helpers/postgres';

/** A real SMTP server that holds each message's DATA until `release()` is called (a slow relay). */
async function slowRelay() {
  const received: string[] = [];
  let release = () => undefined as void;
  let arrived = () => undefined as void;
  const held = new Promise<void>((r) => (arrived = r));
  const gate = new Promise<void>((r) => (release = r));
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onData(stream, _session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        arrived();
        void gate.then(() => {
          received.push(Buffer.concat(chunks).toString());
          callback();
        });
      });
    },
  });
  const port = await freePort();
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  return {
    url: `smtp://127.0.0.1:${port}`,
    received,
    held,
    release,
    stop: () => new Promise<void>((r) => server.close(() => r())),
  };
}

const mail = (dedupeKey: string) => ({
  dedupeKey,
  to: 'unit@example.gov.cn',
  subject: '【绩效自评】报告',
  body: { text: '附件' },
});

describe.each<[string, TestDatabase]>([
  ['PostgreSQL', createPgSchema],
  ['SQLite', sqliteFile('mail-lease.sqlite')],
])('one sender at a time per mail (%s)', (_name, database) => {
  const ds = openedDataSource(database);
  let relay: Awaited<ReturnType<typeof slowRelay>>;
  beforeAll(async () => (relay = await slowRelay()));
  afterAll(async () => relay?.stop());

  /** Two processes' MailServices on one database (the lease is 60 s). */
  const services = () => {
    const config = testConfig();
    const withSmtp = { ...config, mail: { ...config.mail, smtpUrl: relay.url, leaseMs: 60_000 } };
    return [new MailService(ds(), withSmtp), new MailService(ds(), withSmtp)];
  };

  it('while one process sends a mail, another asked for the same key waits (RetryLater) instead of sending it too', async () => {
    const [a, b] = services();
    const first = a.sendOnce(mail('report-1'));
    await relay.held; // A is in the middle of DATA
    const before = Date.now();
    // B's body is made only by a process that holds the mail (a reset token would be issued there)
    let composed = 0;
    const composing = { ...mail('report-1'), body: async () => (composed++, { text: '附件' }) };
    const second = await b.sendOnce(composing).catch((e: unknown) => e);
    expect(second).toBeInstanceOf(RetryLater);
    expect(composed).toBe(0);
    // it is told to come back when A's lease ends, not at once
    expect((second as RetryLater).at.getTime()).toBeGreaterThan(before + 50_000);
    relay.release();
    expect(await first).toBe('sent');
    expect(await b.sendOnce(composing)).toBe('skipped');
    expect(composed).toBe(0);
    expect(relay.received).toHaveLength(1);
    const row = await ds().getRepository(MailDeliveryEntity).findOneByOrFail({ dedupeKey: 'report-1' });
    expect(row).toMatchObject({ status: 'sent', attempts: 1, leaseUntil: null });
    a.close();
    b.close();
  });

  it("takes over a mail whose sender died (its lease ran out), and one that failed, at once; a live one's lease holds", async () => {
    const [a] = services();
    const repo = ds().getRepository(MailDeliveryEntity);
    const row = (key: string, status: MailDeliveryEntity['status'], leaseUntil: Date | null) =>
      repo.save(
        repo.create({
          dedupeKey: key,
          recipient: 'unit@example.gov.cn',
          subject: 's',
          status,
          messageId: `<${key}@localhost>`,
          error: null,
          attempts: 1,
          sentAt: null,
          leaseUntil,
        }),
      );
    await row('dead', 'sending', new Date(Date.now() - 1_000));
    await row('failed', 'failed', null);
    await row('live', 'sending', new Date(Date.now() + 30_000));
    expect(await a.sendOnce(mail('dead'))).toBe('sent');
    expect(await a.sendOnce(mail('failed'))).toBe('sent');
    await expect(a.sendOnce(mail('live'))).rejects.toBeInstanceOf(RetryLater);
    const after = await repo.find({ order: { dedupeKey: 'ASC' } });
    expect(after.filter((r) => r.dedupeKey !== 'report-1').map((r) => [r.dedupeKey, r.status, r.attempts])).toEqual([
      ['dead', 'sent', 2],
      ['failed', 'sent', 2],
      ['live', 'sending', 1],
    ]);
    a.close();
  });
});
