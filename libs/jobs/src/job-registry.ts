import type { ReportKind } from '@selfeval/domain';

/*
 * Wire format: these strings are stored in Redis. Renaming one orphans queued jobs; drain the
 * queues before changing any of them.
 */
export enum Queue {
  System = 'system',
  Monitoring = 'monitoring',
  Mail = 'mail',
  Scoring = 'scoring',
  Reports = 'reports',
}

export enum Job {
  /** Round trip used by `selfeval doctor`, /api/health checks and the tests. */
  Echo = 'echo',
  /** 双监控 lights of one quarterly report at one data version. */
  ComputeMonitoring = 'compute-monitoring',
  /** Daily: remind units that have not submitted within REMINDER_DAYS of a deadline. */
  SendReminders = 'send-reminders',
  /** Scores one self-evaluation at one data version and drafts its deviation explanations. */
  ScoreSheet = 'score-sheet',
  /** Fan-out after a scoring profile changed: marks every evaluation under it stale and enqueues ScoreSheet. */
  RecomputeAll = 'recompute-all',
  /** Renders one document (自评表, 自评报告, 监控表) of a subject at a data version; then enqueues MailReport. */
  RenderReport = 'render-report',
  /** Mails a rendered report to the unit (one delivery: the generation's own, or a resend); never twice per delivery. */
  MailReport = 'mail-report',
  /** Issues a password-reset token (only its hash is stored) and mails the link; the token never passes through Redis. */
  MailPasswordReset = 'mail-password-reset',
  /** Posts one notice to a unit's 企业微信 / 钉钉 group robot; never twice for the same key. */
  SendWebhook = 'send-webhook',
}

/** Payloads carry identifiers and small values only; handlers reload state from the database. */
export interface JobPayload {
  /** delayMs (≤ 10 s) makes the round trip slow on purpose: used to check graceful shutdown. */
  [Job.Echo]: { message: string; delayMs?: number };
  [Job.ComputeMonitoring]: { reportId: string; dataVersion: number };
  /** at: the moment to evaluate (ISO); the scheduler leaves it out and the handler uses now */
  [Job.SendReminders]: { at?: string };
  [Job.ScoreSheet]: { evaluationId: string; dataVersion: number };
  [Job.RecomputeAll]: { profileId: string };
  /** subjectId: the self-evaluation, or the quarter report for kind 'monitoring-table' */
  [Job.RenderReport]: { kind: ReportKind; subjectId: string; dataVersion: number; mail: boolean };
  /** deliveryId: the report_delivery row this mailing updates; left out, the file's own (auto) delivery */
  [Job.MailReport]: { reportFileId: string; deliveryId?: string };
  /** requestId: one mail per request, however often the job is retried */
  [Job.MailPasswordReset]: { userId: string; requestId: string };
  /** text: the notice as decided when it was due (a reminder lists the sheets missing at that moment) */
  [Job.SendWebhook]: { unitId: string; dedupeKey: string; text: string };
}

export interface JobResult {
  [Job.Echo]: { message: string; pid: number; at: string };
  [Job.ComputeMonitoring]: 'done' | 'skipped';
  [Job.SendReminders]: { sent: number; skipped: number };
  [Job.ScoreSheet]: 'scored' | 'failed' | 'skipped';
  [Job.RecomputeAll]: { enqueued: number };
  [Job.RenderReport]: { reportFileId: string } | 'skipped';
  /** failed: recorded on the delivery without failing the job (the unit has no e-mail address) */
  [Job.MailReport]: { sent: number; skipped: number; failed: number };
  [Job.MailPasswordReset]: 'sent' | 'skipped';
  [Job.SendWebhook]: 'sent' | 'skipped';
}

export const QUEUE_OF: Record<Job, Queue> = {
  [Job.Echo]: Queue.System,
  [Job.ComputeMonitoring]: Queue.Monitoring,
  [Job.SendReminders]: Queue.Mail,
  [Job.ScoreSheet]: Queue.Scoring,
  [Job.RecomputeAll]: Queue.Scoring,
  [Job.RenderReport]: Queue.Reports,
  [Job.MailReport]: Queue.Mail,
  [Job.MailPasswordReset]: Queue.Mail,
  [Job.SendWebhook]: Queue.Mail,
};

export const ALL_QUEUES: Queue[] = Object.values(Queue);

/** Each job's name in Chinese, for the queue board (the enum values above stay the wire format). */
export const JOB_LABELS: Record<Job, string> = {
  [Job.Echo]: '连通性检查',
  [Job.ComputeMonitoring]: '计算预警灯',
  [Job.SendReminders]: '截止提醒',
  [Job.ScoreSheet]: '自评打分',
  [Job.RecomputeAll]: '全部重新打分',
  [Job.RenderReport]: '生成报告',
  [Job.MailReport]: '发送报告邮件',
  [Job.MailPasswordReset]: '发送密码重置邮件',
  [Job.SendWebhook]: '群机器人通知',
};

/** What each queue does, in the words of the people who read the board and the administrator's home page. */
export const QUEUE_LABELS: Record<Queue, { displayName: string; description: string }> = {
  [Queue.System]: { displayName: '系统', description: '连通性检查（selfeval doctor、健康检查）' },
  [Queue.Monitoring]: { displayName: '双监控', description: '季度报告提交后计算资金执行和指标预警灯' },
  [Queue.Mail]: { displayName: '通知', description: '截止提醒（每天 08:00）、报告邮件、群机器人通知' },
  [Queue.Scoring]: { displayName: '自评打分', description: '按评分方案为自评表打分并起草偏差原因' },
  [Queue.Reports]: { displayName: '报告生成', description: '生成自评表、自评报告、监控表 PDF' },
};

export function jobsOfQueue(queue: Queue): Job[] {
  return (Object.keys(QUEUE_OF) as Job[]).filter((job) => QUEUE_OF[job] === queue);
}

/**
 * BullMQ rejects custom ids containing ':' and ids that are all digits; every deterministic id is
 * built here, from parts joined with '-'.
 */
export function jobId(job: Job, ...parts: (string | number)[]): string {
  const cleaned = parts.map((p) => String(p).replace(/[^A-Za-z0-9_.-]/g, '_'));
  return [job, ...cleaned].join('-');
}
