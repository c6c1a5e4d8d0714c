import * as fs from 'node:fs';
import * as path from 'node:path';
import { simpleParser } from 'mailparser';
import type { DataSource } from 'typeorm';
import { openDatabase } from '@selfeval/db';
import { MailService } from '@selfeval/mail';
import { testConfig } from '../helpers/config';

describe('MailService without SMTP_URL', () => {
  let ds: DataSource;
  afterAll(async () => ds?.destroy());

  it('writes one .eml per dedupe key under DATA_DIR/outbox, in Chinese, and never twice', async () => {
    const config = testConfig();
    ds = await openDatabase(config.database);
    const mail = new MailService(ds, config);
    const msg = {
      dedupeKey: 'reminder-u1-2024-Q1',
      to: 'unit@example.gov.cn',
      subject: '【绩效运行监控】填报提醒',
      body: { text: '请在截止日前提交。' },
    };
    expect(await mail.sendOnce(msg)).toBe('sent');
    expect(await mail.sendOnce(msg)).toBe('skipped');
    const files = fs.readdirSync(config.mail.outboxDir);
    expect(files).toEqual(['reminder-u1-2024-Q1.eml']);
    const parsed = await simpleParser(fs.readFileSync(path.join(config.mail.outboxDir, files[0])));
    expect(parsed.subject).toBe('【绩效运行监控】填报提醒');
    expect(parsed.text?.trim()).toBe('请在截止日前提交。');
    mail.close();
  });
});
