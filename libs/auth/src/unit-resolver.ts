import { DataSource } from 'typeorm';
import {
  AuditLogEntity,
  EvidenceFileEntity,
  QuarterReportEntity,
  SelfEvaluationEntity,
  TargetSheetEntity,
  UnitEntity,
} from '@selfeval/db';

/** What a route parameter names, so the guard can find the unit it belongs to. */
export type UnitSubject = 'sheet' | 'unit' | 'unit-code' | 'evidence' | 'audit-entity';

/**
 * The unit a route's subject belongs to; null when the subject does not exist (the route then
 * answers 404 as it would for another unit's data, so existence is not revealed).
 */
export class UnitResolver {
  constructor(private readonly ds: DataSource) {}

  async unitOf(kind: UnitSubject, id: string): Promise<string | null> {
    switch (kind) {
      case 'sheet':
        return (
          (await this.ds.getRepository(TargetSheetEntity).findOne({ select: { unitId: true }, where: { id } }))
            ?.unitId ?? null
        );
      case 'unit':
        return (await this.ds.getRepository(UnitEntity).existsBy({ id })) ? id : null;
      case 'unit-code':
        return (
          (await this.ds.getRepository(UnitEntity).findOne({ select: { id: true }, where: { code: id } }))?.id ?? null
        );
      case 'evidence': {
        const ev = await this.ds
          .getRepository(EvidenceFileEntity)
          .findOne({ select: { reportId: true }, where: { id } });
        if (!ev) return null;
        return (
          (
            await this.ds
              .getRepository(QuarterReportEntity)
              .findOne({ select: { unitId: true }, where: { id: ev.reportId } })
          )?.unitId ?? null
        );
      }
      case 'audit-entity': {
        // the audit trail of a quarter report, a sheet or a self-evaluation
        const report = await this.ds
          .getRepository(QuarterReportEntity)
          .findOne({ select: { unitId: true }, where: { id } });
        if (report) return report.unitId;
        const ev = await this.ds
          .getRepository(SelfEvaluationEntity)
          .findOne({ select: { unitId: true }, where: { id } });
        if (ev) return ev.unitId;
        const sheet = await this.unitOf('sheet', id);
        if (sheet) return sheet;
        return (await this.ds.getRepository(AuditLogEntity).existsBy({ entityId: id })) ? '' : null;
      }
    }
  }
}
