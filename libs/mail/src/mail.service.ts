import * as fs from 'node:fs';
import * as path from 'node:path';
import nodemailer, { Transporter } from 'nodemailer';
import type Mail from 'nodemailer/lib/mailer';
import { DataSource, QueryFailedError } from 'typeorm';
import type { AppConfig } from '@selfeval/config';
import { MailDeliveryEntity } from '@selfeval/db';
import { RetryLater } from '@selfeval/jobs';

export interface MailBody {
  text: string;
  html?: string;
  attachments?: Mail.Attachment[];
}

/** What the mail_delivery row of a delivery records (shown on the administrator's mail page). */
export interface DeliveryRecord {
  dedupeKey: string;
  recipient: string;
  subject: string;
  /** '' for a group-robot notice */
  messageId: string;
}

export interface OutgoingMail {
  /** one delivery per key: a retried job with the same key never sends again */
  dedupeKey: string;
  to: string;
  subject: string;
  /**
   * The body, or how to make it: a function runs only once this process holds the mail, so what it does (a
   * password-reset token issued, retiring the previous one) is not done by a process that then does not send.
   */
  body: MailBody | (() => Promise<MailBody>);
}

/**
 * Sends mail over SMTP_URL, or writes .eml files under DATA_DIR/outbox when it is unset.
 * A mail_delivery row per dedupe key makes delivery at most once per key among finished attempts, and one
 * process at a time sends it (a lease, MAIL_LEASE_SECONDS);
 * the Message-ID is derived from the key, so if a worker dies between the relay's "250 OK" and our
 * commit, the resend carries the same Message-ID and mail systems drop it as a duplicate.
 */
export class MailService {
  private transport?: Transporter;

  constructor(
    private readonly ds: DataSource,
    private readonly config: AppConfig,
  ) {}

  private transporter(): Transporter {
    this.transport ??= this.config.mail.smtpUrl
      ? nodemailer.createTransport(this.config.mail.smtpUrl)
      : nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
    return this.transport;
  }

  async sendOnce(mail: OutgoingMail): Promise<'sent' | 'skipped'> {
    const domain = (this.config.mail.from.match(/@([^>\s]+)/)?.[1] ?? 'selfeval.local').toLowerCase();
    const messageId = `<${mail.dedupeKey.replace(/[^A-Za-z0-9._-]/g, '_')}@${domain}>`;
    return this.deliverOnce(
      { dedupeKey: mail.dedupeKey, recipient: mail.to, subject: mail.subject, messageId },
      async () => {
        const { text, html, attachments } = typeof mail.body === 'function' ? await mail.body() : mail.body;
        const info = await this.transporter().sendMail({
          from: this.config.mail.from,
          to: mail.to,
          subject: mail.subject,
          text,
          html,
          attachments,
          messageId,
        });
        if (!this.config.mail.smtpUrl) {
          fs.mkdirSync(this.config.mail.outboxDir, { recursive: true });
          const file = path.join(this.config.mail.outboxDir, `${mail.dedupeKey.replace(/[^A-Za-z0-9._-]/g, '_')}.eml`);
          fs.writeFileSync(file, (info as unknown as { message: Buffer }).message);
        }
      },
    );
  }

  /**
   * Runs `deliver` once per dedupe key, whichever process asks (mails and group-robot notices share the
   * mail_delivery table): 'skipped' when it was delivered before; a failure is recorded on the row and thrown, so
   * the job retries with backoff.
   */
  async deliverOnce(record: DeliveryRecord, deliver: () => Promise<void>): Promise<'sent' | 'skipped'> {
    const repo = this.ds.getRepository(MailDeliveryEntity);
    const row = await this.claim(record);
    if (row === 'sent') return 'skipped';
    try {
      await deliver();
    } catch (e) {
      await repo.update(row.id, { status: 'failed', error: (e as Error).message.slice(0, 2000), leaseUntil: null });
      throw e;
    }
    await repo.update(row.id, { status: 'sent', sentAt: new Date(), error: null, leaseUntil: null });
    return 'sent';
  }

  /**
   * Takes the delivery of this key for this process, in one conditional write: a new key, a failed attempt, or a
   * 发送中 whose sender's lease ran out (the process died mid-send). While another process holds it, the job waits
   * (RetryLater) instead of delivering the same thing at the same time — a job BullMQ wrongly thought stalled on a
   * busy machine sent duplicates before.
   */
  private async claim(record: DeliveryRecord): Promise<MailDeliveryEntity | 'sent'> {
    const repo = this.ds.getRepository(MailDeliveryEntity);
    const now = new Date();
    const leaseUntil = new Date(now.getTime() + this.config.mail.leaseMs);
    const existing = await repo.findOneBy({ dedupeKey: record.dedupeKey });
    if (existing?.status === 'sent') return 'sent';
    if (!existing) {
      try {
        return await repo.save(
          repo.create({
            dedupeKey: record.dedupeKey,
            recipient: record.recipient.slice(0, 200),
            subject: record.subject.slice(0, 300),
            status: 'sending',
            messageId: record.messageId,
            error: null,
            attempts: 1,
            sentAt: null,
            leaseUntil,
          }),
        );
      } catch (e) {
        // another process inserted the same key first: it holds the delivery (unless it is already done)
        if (!(e instanceof QueryFailedError)) throw e;
      }
    }
    const taken = await repo
      .createQueryBuilder()
      .update()
      .set({ status: 'sending', leaseUntil, attempts: () => 'attempts + 1' })
      .where('dedupe_key = :key', { key: record.dedupeKey })
      .andWhere("(status = 'failed' OR (status = 'sending' AND (lease_until IS NULL OR lease_until < :now)))", { now })
      .execute();
    const row = await repo.findOneByOrFail({ dedupeKey: record.dedupeKey });
    if (taken.affected) return row;
    if (row.status === 'sent') return 'sent';
    throw new RetryLater(`${record.recipient}：${record.dedupeKey} 正由另一进程发送`, row.leaseUntil ?? leaseUntil);
  }

  close(): void {
    this.transport?.close();
  }
}
