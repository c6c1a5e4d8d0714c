import { Brackets, DataSource, SelectQueryBuilder } from 'typeorm';
import {
  Clock,
  failedCurrentDeliveries,
  MailDeliveryEntity,
  PeriodReopenEntity,
  QuarterReportEntity,
  ReportPeriodEntity,
  SelfEvaluationEntity,
  TargetSheetEntity,
  UnitEntity,
} from '@selfeval/db';
import { REPORT_KIND_TITLES, Role, selectTodos, sheetLabel, TodoFacts, TodoSection } from '@selfeval/domain';
import { ALL_QUEUES, JobProducer, QUEUE_LABELS } from '@selfeval/jobs';

/** How many failed mails the administrator's home lists one by one (the count says how many there are). */
const FAILED_MAILS_LISTED = 10;

/**
 * Each role's to-do list (the home page): loads the facts of the actor's units and hands them to the pure
 * selection in libs/domain (`selectTodos`), which decides what waits for whom. Reads only.
 */
export class TodoService {
  constructor(
    private readonly ds: DataSource,
    private readonly jobs: JobProducer,
    private readonly now: Clock,
  ) {}

  /** unitIds: the actor's units; undefined for all (administrators). */
  async forActor(role: Role, unitIds: readonly string[] | undefined): Promise<TodoSection[]> {
    return selectTodos(role, await this.facts(role, unitIds));
  }

  /** Mail deliveries that failed, newest first, for the administrator's mail page. */
  async failedMails(limit = 200) {
    const repo = this.ds.getRepository(MailDeliveryEntity);
    const [rows, count] = await repo.findAndCount({
      where: { status: 'failed' },
      order: { createdAt: 'DESC', id: 'ASC' },
      take: limit,
    });
    return { rows, count };
  }

  /**
   * Documents whose latest mailing failed, newest first: the last delivery of the newest file of each kind of each
   * evaluation (a later successful resend or a newer file clears it).
   */
  async failedReports(limit = 200): Promise<NonNullable<TodoFacts['failedReports']>> {
    const rows = await failedCurrentDeliveries(this.ds, limit);
    return rows.map((r) => ({
      sheetId: r.sheetId,
      title: `${r.unitName} · ${r.year} 年 ${sheetLabel(r)}`,
      document: REPORT_KIND_TITLES[r.document] ?? r.document,
      recipient: r.recipient,
      error: r.error,
    }));
  }

  private async facts(role: Role, unitIds: readonly string[] | undefined): Promise<TodoFacts> {
    const now = this.now();
    const admin = role === 'admin';
    // an empty scope sees nothing; undefined is every unit
    const scoped = <T extends object>(qb: SelectQueryBuilder<T>, column: string) =>
      unitIds === undefined ? qb : qb.andWhere(unitIds.length ? `${column} IN (:...unitIds)` : '1 = 0', { unitIds });

    const periods = await this.ds.getRepository(ReportPeriodEntity).find({ order: { year: 'ASC', period: 'ASC' } });
    const open = periods.filter((p) => p.opensAt <= now && now <= p.closesAt);

    const sheets = await scoped(
      this.ds
        .getRepository(TargetSheetEntity)
        .createQueryBuilder('s')
        .innerJoin(UnitEntity, 'u', 'u.id = s.unit_id')
        .select([
          's.id AS "id"',
          's.unit_id AS "unitId"',
          'u.name AS "unitName"',
          's.year AS "year"',
          's.kind AS "kind"',
          's.name AS "name"',
          's.sheet_key AS "sheetKey"',
          's.status AS "status"',
        ])
        // drafts wait for an administrator's approval; nobody else has anything to do with them
        .where('s.status IN (:...statuses)', { statuses: admin ? ['approved', 'draft'] : ['approved'] }),
      's.unit_id',
    )
      .orderBy('u.code')
      .addOrderBy('s.year')
      .addOrderBy('s.kind')
      .addOrderBy('s.project_code')
      .addOrderBy('s.name')
      .addOrderBy('s.id')
      .getRawMany<TodoFacts['sheets'][number]>();

    let reports: TodoFacts['reports'] = [];
    if (role === 'reporter' || role === 'head' || (admin && open.length)) {
      const qb = this.ds
        .getRepository(QuarterReportEntity)
        .createQueryBuilder('r')
        .select([
          'r.sheet_id AS "sheetId"',
          'r.period AS "period"',
          'r.status AS "status"',
          'r.return_reason AS "returnReason"',
        ]);
      // the administrator counts the open periods' reports only
      if (admin)
        qb.where(
          new Brackets((w) =>
            open.forEach((p, k) =>
              w.orWhere(`(r.year = :y${k} AND r.period = :p${k})`, { [`y${k}`]: p.year, [`p${k}`]: p.period }),
            ),
          ),
        );
      reports = await scoped(qb, 'r.unit_id').getRawMany();
    }

    let evaluations: TodoFacts['evaluations'] = [];
    if (!admin) {
      const qb = this.ds
        .getRepository(SelfEvaluationEntity)
        .createQueryBuilder('e')
        .select([
          'e.sheet_id AS "sheetId"',
          'e.status AS "status"',
          'e.return_reason AS "returnReason"',
          'e.total AS "total"',
          'e.score_state AS "scoreState"',
        ])
        .where('e.status IN (:...statuses)', {
          statuses: role === 'evaluator' ? ['submitted'] : ['draft', 'returned'],
        });
      evaluations = await scoped(qb, 'e.unit_id').getRawMany();
    }

    const reopens =
      role === 'reporter'
        ? await scoped(this.ds.getRepository(PeriodReopenEntity).createQueryBuilder('o').select('o'), 'o.unit_id')
            .andWhere('o.until >= :now', { now })
            .getMany()
        : [];

    const facts: TodoFacts = {
      now,
      sheets: sheets.map((s) => ({ ...s, year: Number(s.year) })),
      reports,
      evaluations,
      periods: periods.map((p) => ({ year: p.year, period: p.period, opensAt: p.opensAt, closesAt: p.closesAt })),
      reopens: reopens.map((o) => ({ unitId: o.unitId, year: o.year, period: o.period, until: o.until })),
    };
    if (admin) {
      facts.units = await this.ds
        .getRepository(UnitEntity)
        .find({ select: { id: true, code: true, name: true, contactEmail: true }, order: { code: 'ASC' } });
      const mails = await this.failedMails(FAILED_MAILS_LISTED);
      facts.failedMails = mails.rows.map((m) => ({
        id: m.id,
        recipient: m.recipient,
        subject: m.subject,
        error: m.error,
        at: m.createdAt,
      }));
      facts.failedMailCount = mails.count;
      facts.failedReports = await this.failedReports(FAILED_MAILS_LISTED);
      facts.failedJobs = await this.failedJobs();
    }
    return facts;
  }

  /** Failed jobs per queue; an unreachable Redis leaves them out rather than holding up the page. */
  private async failedJobs(): Promise<TodoFacts['failedJobs']> {
    const counting = Promise.all(
      ALL_QUEUES.map(async (queue) => ({
        queue,
        label: QUEUE_LABELS[queue].displayName,
        count: (await this.jobs.queue(queue).getJobCounts('failed')).failed ?? 0,
      })),
    );
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<[]>((resolve) => (timer = setTimeout(() => resolve([]), 2_000)));
    try {
      return await Promise.race([counting.catch(() => []), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}
