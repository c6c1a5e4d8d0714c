import type { INestApplicationContext } from '@nestjs/common';
import { Job, JobProducer, Queue } from '@selfeval/jobs';
import type { Agent } from '../helpers/auth';
import { describePg } from '../helpers/postgres';
import type { SmtpCatcher } from '../helpers/smtp-catcher';
import { Stack, startStack } from '../helpers/stack';

const DAY = 86_400_000;

describePg('deadline reminders: BullMQ scheduler + real SMTP server', () => {
  let stack: Stack;
  let worker: INestApplicationContext;
  let smtp: SmtpCatcher;
  let admin: Agent;
  const http = () => admin;

  beforeAll(async () => {
    stack = await startStack({
      seed: ['004', '000'],
      approve: true,
      worker: true,
      smtp: true,
      names: { admin: { displayName: '管理员' } },
      config: (c) => ({
        ...c,
        mail: { ...c.mail, from: '绩效自评系统 <selfeval@czj.example.gov.cn>', outboxDir: '/nonexistent' },
        reminderDays: 3,
      }),
    });
    worker = stack.worker!;
    smtp = stack.smtp!;
    admin = stack.users.admin;
    await http()
      .put(`/api/units/${encodeURIComponent('株洲市渌口区信访局')}/contact`)
      .send({ email: 'lukou@example.gov.cn' })
      .expect(200);
    await http()
      .put(`/api/units/${encodeURIComponent('沅江市信访局')}/contact`)
      .send({ email: 'not-an-email' })
      .expect(422);
    const now = Date.now();
    // 2026 Q1 closes in two days (inside the 3-day window); 2024 Q1 (沅江) closes in ten days
    await http()
      .put('/api/actuals/periods/2026/Q1')
      .send({ opensAt: new Date(now - 30 * DAY).toISOString(), closesAt: new Date(now + 2 * DAY).toISOString() })
      .expect(200);
    await http()
      .put('/api/actuals/periods/2024/Q1')
      .send({ opensAt: new Date(now - 30 * DAY).toISOString(), closesAt: new Date(now + 10 * DAY).toISOString() })
      .expect(200);
  });
  afterAll(() => stack?.close());

  it('registers the daily scheduler', async () => {
    const schedulers = await worker.get(JobProducer).queue(Queue.Mail).getJobSchedulers();
    expect(schedulers.map((s) => [s.key, s.pattern, s.tz])).toEqual([
      ['daily-reminders', '0 0 8 * * *', 'Asia/Shanghai'],
    ]);
  });

  it('mails each unit that has not submitted, once, in Chinese, listing the sheets', async () => {
    const producer = worker.get(JobProducer);
    const first = await producer.enqueueAndWait(Job.SendReminders, {}, 20_000);
    expect(first).toEqual({ sent: 1, skipped: 0 });
    expect(smtp.messages).toHaveLength(1);
    const mail = smtp.messages[0];
    expect(mail.to && 'text' in mail.to ? mail.to.text : '').toBe('lukou@example.gov.cn');
    expect(mail.subject).toMatch(
      /^【绩效运行监控】2026年一季度（1–3月）填报将于 \d{4}-\d{2}-\d{2} 截止（株洲市渌口区信访局）$/,
    );
    expect(mail.text).toContain(
      '  1. 部门整体支出绩效目标表\n  2. 安保信访维稳专项（含特护期京、郑、长、株等地）\n  3. 驻京维稳工作组专项\n',
    );
    expect(mail.messageId).toMatch(/^<reminder-[0-9a-f-]+-2026-Q1@czj\.example\.gov\.cn>$/);

    // the job retried, or run again the next morning: no second mail
    const again = await producer.enqueueAndWait(Job.SendReminders, {}, 20_000);
    expect(again).toEqual({ sent: 0, skipped: 1 });
    expect(smtp.messages).toHaveLength(1);
  });
});
