import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '@selfeval/config';
import { UnitEntity } from '@selfeval/db';
import { robotOf, robotTextMessage, ROBOT_LABELS } from '@selfeval/domain';
import { HandlesJob, Job, JobPayload, JobProducer, JobResult, jobId } from '@selfeval/jobs';
import { MailService } from '@selfeval/mail';

/**
 * Notices to a unit's 企业微信 / 钉钉 group robot. A failed POST (timeout, redirect, HTTP error, the
 * robot's errcode) is recorded on the delivery row and thrown, so BullMQ retries it with backoff
 * and, after the last attempt, keeps it in the failed list of the queue dashboard with the reason.
 */
@Injectable()
export class RobotWebhookHandlers {
  private readonly logger = new Logger(RobotWebhookHandlers.name);

  constructor(
    private readonly ds: DataSource,
    private readonly mail: MailService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @HandlesJob(Job.SendWebhook)
  async send({ unitId, dedupeKey, text }: JobPayload[Job.SendWebhook]): Promise<JobResult[Job.SendWebhook]> {
    const unit = await this.ds.getRepository(UnitEntity).findOneBy({ id: unitId });
    if (!unit?.webhookUrl) return 'skipped'; // removed since the notice was queued
    const url = unit.webhookUrl;
    const kind = robotOf(url, { allowLoopback: this.config.webhooks.allowLoopback });
    // deliveries share the mail table: one row per key, so a notice reaches a group once
    const label = `${ROBOT_LABELS[kind]}（${unit.name}）`;
    return this.mail.deliverOnce(
      // the address holds the robot's key: never stored twice, never logged
      { dedupeKey, recipient: label, subject: text.split('\n')[0], messageId: '' },
      async () => {
        try {
          await this.post(url, text);
        } catch (e) {
          this.logger.warn(`${label}通知失败：${e instanceof Error ? e.message : String(e)}`);
          throw e;
        }
      },
    );
  }

  /** One POST: a timeout, no redirects followed, success only on HTTP 200 with errcode 0. */
  private async post(url: string, text: string): Promise<void> {
    let res: Response;
    try {
      res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(robotTextMessage(text)),
        redirect: 'manual',
        signal: AbortSignal.timeout(this.config.webhooks.timeoutMs),
      });
    } catch (e) {
      const timedOut = e instanceof Error && (e.name === 'TimeoutError' || e.name === 'AbortError');
      throw new Error(
        timedOut
          ? `群机器人 ${this.config.webhooks.timeoutMs} 毫秒内没有响应`
          : `无法连接群机器人：${(e as Error).cause instanceof Error ? ((e as Error).cause as Error).message : String(e)}`,
      );
    }
    const body = await res.text();
    if (res.status >= 300 && res.status < 400) throw new Error(`群机器人地址返回重定向（HTTP ${res.status}），未跟随`);
    if (res.status !== 200) throw new Error(`群机器人返回 HTTP ${res.status}`);
    let answer: { errcode?: number; errmsg?: string } = {};
    try {
      answer = JSON.parse(body) as typeof answer;
    } catch {
      throw new Error('群机器人的回复不是 JSON');
    }
    if (answer.errcode !== 0) throw new Error(`群机器人拒绝了消息：errcode ${answer.errcode}，${answer.errmsg ?? ''}`);
  }
}

/** Queues a robot notice for a unit when it has a webhook; a no-op otherwise. */
export async function queueRobotNotice(
  jobs: JobProducer,
  unit: Pick<UnitEntity, 'id' | 'webhookUrl'>,
  dedupeKey: string,
  text: string,
): Promise<void> {
  if (!unit.webhookUrl) return;
  await jobs.enqueue(
    Job.SendWebhook,
    { unitId: unit.id, dedupeKey, text },
    { jobId: jobId(Job.SendWebhook, dedupeKey) },
  );
}
