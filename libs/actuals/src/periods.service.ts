import { DataSource, EntityManager } from 'typeorm';
import { audit, Clock, PeriodReopenEntity, ReportPeriodEntity, UnitEntity } from '@selfeval/db';
import { DomainError, Period, PERIOD_NAME, PERIODS } from '@selfeval/domain';

export function assertPeriod(period: string): Period {
  if (!(PERIODS as string[]).includes(period))
    throw new DomainError('VALIDATION_FAILED', `报告期“${period}”应为 Q1、Q2、Q3 或 Q4`, { field: 'period' });
  return period as Period;
}

/** 填报时间 of each quarter, and an administrator's reopening of a closed one for a unit (domain.md §5). */
export class PeriodsService {
  constructor(
    private readonly ds: DataSource,
    private readonly now: Clock,
  ) {}

  async setPeriod(year: number, periodText: string, opensAt: Date, closesAt: Date, actor: string) {
    const period = assertPeriod(periodText);
    if (!(opensAt < closesAt))
      throw new DomainError('VALIDATION_FAILED', '截止时间应晚于开始时间', { field: 'closesAt' });
    return this.ds.transaction(async (em) => {
      const repo = em.getRepository(ReportPeriodEntity);
      const existing = await repo.findOneBy({ year, period });
      const row = existing ?? repo.create({ year, period });
      const old = existing ? `${existing.opensAt.toISOString()} – ${existing.closesAt.toISOString()}` : null;
      Object.assign(row, { opensAt, closesAt });
      const saved = await repo.save(row);
      await audit(em, {
        entity: 'report_period',
        entityId: saved.id,
        action: existing ? 'update' : 'create',
        actor,
        changes: [['填报时间', old, `${opensAt.toISOString()} – ${closesAt.toISOString()}`]],
      });
      return saved;
    });
  }

  listPeriods() {
    return this.ds.getRepository(ReportPeriodEntity).find({ order: { year: 'DESC', period: 'ASC' } });
  }

  async reopen(unitCode: string, year: number, periodText: string, reason: string, until: Date, actor: string) {
    const period = assertPeriod(periodText);
    if (!reason?.trim()) throw new DomainError('VALIDATION_FAILED', '重新开放须填写原因', { field: 'reason' });
    return this.ds.transaction(async (em) => {
      const unit = await em.getRepository(UnitEntity).findOneBy({ code: unitCode });
      if (!unit) throw new DomainError('NOT_FOUND', `找不到单位“${unitCode}”`, { field: 'unitCode' });
      const repo = em.getRepository(PeriodReopenEntity);
      const row = await repo.save(
        repo.create({ unitId: unit.id, year, period, reason: reason.trim(), until, createdBy: actor }),
      );
      await audit(em, {
        entity: 'period_reopen',
        entityId: row.id,
        action: 'reopen',
        actor,
        changes: [[`${year} ${period}`, null, `开放至 ${until.toISOString()}`]],
        reason: reason.trim(),
      });
      return row;
    });
  }

  /** Refuses a change outside the period's 填报时间 unless the unit's period was reopened. */
  async assertOpen(em: EntityManager, unitId: string, year: number, period: Period) {
    const p = await em.getRepository(ReportPeriodEntity).findOneBy({ year, period });
    const now = this.now();
    if (!p)
      throw new DomainError('PERIOD_CLOSED', `${year} 年${PERIOD_NAME[period]}尚未设置填报时间`, { field: 'period' });
    if (now >= p.opensAt && now <= p.closesAt) return;
    const reopened = await em
      .getRepository(PeriodReopenEntity)
      .createQueryBuilder('r')
      .where('r.unit_id = :unitId AND r.year = :year AND r.period = :period AND r.until >= :now', {
        unitId,
        year,
        period,
        now,
      })
      .getCount();
    if (reopened) return;
    throw new DomainError(
      'PERIOD_CLOSED',
      now < p.opensAt
        ? `${year} 年${PERIOD_NAME[period]}填报尚未开始`
        : `${year} 年${PERIOD_NAME[period]}填报已于 ${p.closesAt.toISOString().slice(0, 10)} 截止，如需补报请联系管理员重新开放`,
      { field: 'period' },
    );
  }
}
