import * as fs from 'node:fs';
import * as path from 'node:path';
import nodemailer, { Transporter } from 'nodemailer';
import type Mail from 'nodemailer/lib/mailer';
import { DataSource, QueryFailedError } from 'typeorm';
import type { AppConfig } from '@selfeval/config';
import { MailDeliveryEntity } from '@selfeval/db';

export interface OutgoingMail {
  /** one delivery per key: a retried job with the same key never sends again */
  dedupeKey: string;
  to: string;
  subject: string;
  text: string;
  html?: string;
  attachments?: Mail.Attachment[];
}

/**
 * Sends mail over SMTP_URL, or writes .eml files under DATA_DIR/outbox when it is unset.
 * A mail_delivery row per dedupe key makes delivery at most once per key among finished attempts;
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
    const repo = this.ds.getRepository(MailDeliveryEntity);
    const domain = (this.config.mail.from.match(/@([^>\s]+)/)?.[1] ?? 'selfeval.local').toLowerCase();
    const messageId = `<${mail.dedupeKey.replace(/[^A-Za-z0-9._-]/g, '_')}@${domain}>`;
    let row = await repo.findOneBy({ dedupeKey: mail.dedupeKey });
    if (row?.status === 'sent') return 'skipped';
    if (!row) {
      try {
        row = await repo.save(
          repo.create({
            dedupeKey: mail.dedupeKey,
            recipient: mail.to,
            subject: mail.subject.slice(0, 300),
            status: 'sending',
            messageId,
            error: null,
            attempts: 0,
            sentAt: null,
          }),
        );
      } catch (e) {
        // another worker inserted the same key first: it owns this delivery
        if (e instanceof QueryFailedError) return 'skipped';
        throw e;
      }
    }
    row.attempts += 1;
    try {
      const info = await this.transporter().sendMail({
        from: this.config.mail.from,
        to: mail.to,
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
        attachments: mail.attachments,
        messageId,
      });
      if (!this.config.mail.smtpUrl) {
        fs.mkdirSync(this.config.mail.outboxDir, { recursive: true });
        const file = path.join(this.config.mail.outboxDir, `${mail.dedupeKey.replace(/[^A-Za-z0-9._-]/g, '_')}.eml`);
        fs.writeFileSync(file, (info as unknown as { message: Buffer }).message);
      }
      Object.assign(row, { status: 'sent', sentAt: new Date(), error: null });
      await repo.save(row);
      return 'sent';
    } catch (e) {
      Object.assign(row, { status: 'failed', error: (e as Error).message.slice(0, 2000) });
      await repo.save(row);
      throw e; // transient: the job retries with backoff
    }
  }

  close(): void {
    this.transport?.close();
  }
}
