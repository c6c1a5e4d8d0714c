import { DataSource } from 'typeorm';
import {
  audit,
  ContentStore,
  EvidenceFileEntity,
  findQuarterReport,
  IndicatorEntity,
  QuarterReportEntity,
  SelfEvaluationEntity,
} from '@selfeval/db';
import { checkEvidence, DomainError, evidenceFileName, evidenceWindow, PERIOD_NAME } from '@selfeval/domain';
import { assertPeriod } from './periods.service';

/** 佐证材料 of a quarter report: bytes in the content store, a row linking them to the report. */
export class EvidenceService {
  constructor(
    private readonly ds: DataSource,
    private readonly store: ContentStore,
  ) {}

  /** Adds a file to a report while evidenceWindow allows it (filling in, or 补充 until approval); type sniffed. */
  async addEvidence(
    sheetId: string,
    periodText: string,
    bytes: Uint8Array,
    name: string,
    indicatorId: string | null,
    actor: string,
  ) {
    const period = assertPeriod(periodText);
    const type = checkEvidence(bytes, name);
    return this.ds.transaction(async (em) => {
      const query = em
        .getRepository(QuarterReportEntity)
        .createQueryBuilder('r')
        .where('r.sheet_id = :sheetId AND r.period = :period', { sheetId, period });
      // the report must not be submitted between this check and the insert (SQLite writes one at a time)
      if (em.connection.options.type === 'postgres') query.setLock('pessimistic_write');
      const report = await query.getOne();
      if (!report)
        throw new DomainError('NOT_FOUND', `${PERIOD_NAME[period]}还没有填报内容，请先保存草稿再上传佐证材料`, {
          field: 'period',
        });
      const evaluation = await em.getRepository(SelfEvaluationEntity).findOneBy({ sheetId });
      const window = evidenceWindow(report.status, evaluation?.status);
      if (window === 'closed')
        throw new DomainError(
          'WORKFLOW_STATE',
          '年度自评已审核通过，不能再添加佐证材料；如需补充，请评审人先重新打开自评',
          { field: 'status' },
        );
      if (indicatorId && !(await em.getRepository(IndicatorEntity).countBy({ id: indicatorId, sheetId }))) {
        throw new DomainError('VALIDATION_FAILED', `指标 ${indicatorId} 不属于这张绩效目标表`, {
          field: 'indicatorId',
        });
      }
      const sha256 = this.store.put(bytes);
      const repo = em.getRepository(EvidenceFileEntity);
      const row = await repo.save(
        repo.create({
          reportId: report.id,
          indicatorId,
          sha256,
          fileName: evidenceFileName(name, type),
          mime: type.mime,
          size: bytes.length,
          uploadedBy: actor,
        }),
      );
      await audit(em, {
        entity: 'quarter_report',
        entityId: report.id,
        action: 'evidence',
        actor,
        changes: [
          [window === 'supplement' ? '补充佐证材料' : '佐证材料', null, `${row.fileName}（${sha256.slice(0, 12)}）`],
        ],
      });
      return row;
    });
  }

  /** Whether evidence may be added to this report now (evidenceWindow); 'fill-in' before the first save. */
  async window(sheetId: string, periodText: string): Promise<ReturnType<typeof evidenceWindow>> {
    const report = await findQuarterReport(this.ds, sheetId, assertPeriod(periodText));
    const evaluation = await this.ds.getRepository(SelfEvaluationEntity).findOneBy({ sheetId });
    return evidenceWindow(report?.status ?? 'draft', evaluation?.status);
  }

  async listEvidence(sheetId: string, periodText: string) {
    const report = await findQuarterReport(this.ds, sheetId, assertPeriod(periodText));
    return report
      ? this.ds.getRepository(EvidenceFileEntity).find({ where: { reportId: report.id }, order: { createdAt: 'ASC' } })
      : [];
  }

  async readEvidence(evidenceId: string): Promise<{ row: EvidenceFileEntity; bytes: Buffer }> {
    const row = await this.ds.getRepository(EvidenceFileEntity).findOneBy({ id: evidenceId });
    if (!row) throw new DomainError('NOT_FOUND', `找不到佐证材料 ${evidenceId}`, { field: 'evidenceId' });
    return { row, bytes: this.store.read(row.sha256) };
  }
}
