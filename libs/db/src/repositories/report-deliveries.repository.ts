import { DataSource, EntityManager, In, QueryFailedError } from 'typeorm';
import { ReportDeliveryEntity, ReportFileCopyEntity, ReportFileEntity } from '../entities';

/** The request key of the mailing that generating a document asks for (one per rendered file). */
export const AUTO_DELIVERY = 'auto';

/** The delivery of a file under this request key, created as 待发送 when there is none yet (a race finds the winner's row). */
export async function ensureDelivery(
  ds: DataSource,
  fields: Pick<ReportDeliveryEntity, 'reportFileId' | 'requestKey' | 'requestedBy' | 'requestedAt'>,
): Promise<ReportDeliveryEntity> {
  const repo = ds.getRepository(ReportDeliveryEntity);
  const where = { reportFileId: fields.reportFileId, requestKey: fields.requestKey };
  const found = await repo.findOneBy(where);
  if (found) return found;
  try {
    return await repo.save(
      repo.create({
        ...fields,
        status: 'pending',
        recipient: null,
        error: null,
        mailKey: null,
        attempts: 0,
        finishedAt: null,
      }),
    );
  } catch (e) {
    if (!(e instanceof QueryFailedError)) throw e;
    return repo.findOneByOrFail(where);
  }
}

/** The mailing that generating `reportFileId` asks for (AUTO_DELIVERY, by the system), created as 待发送 once. */
export function ensureAutoDelivery(ds: DataSource, reportFileId: string, at: Date): Promise<ReportDeliveryEntity> {
  return ensureDelivery(ds, { reportFileId, requestKey: AUTO_DELIVERY, requestedBy: 'system', requestedAt: at });
}

/** The newest delivery of each file (by request time), for pages and the API. */
export async function latestDeliveries(
  ds: DataSource | EntityManager,
  reportFileIds: string[],
): Promise<Map<string, ReportDeliveryEntity>> {
  if (!reportFileIds.length) return new Map();
  const rows = await ds
    .getRepository(ReportDeliveryEntity)
    .find({ where: { reportFileId: In(reportFileIds) }, order: { requestedAt: 'ASC' } });
  return new Map(rows.map((r) => [r.reportFileId, r]));
}

/** The Word/Excel copies of these files. */
export async function reportCopies(
  ds: DataSource | EntityManager,
  reportFileIds: string[],
): Promise<ReportFileCopyEntity[]> {
  if (!reportFileIds.length) return [];
  return ds.getRepository(ReportFileCopyEntity).find({ where: { reportFileId: In(reportFileIds) } });
}

/** The newest rendered file of each kind of an evaluation (the documents its page offers). */
export async function latestEvaluationFiles(
  ds: DataSource | EntityManager,
  evaluationId: string,
  kinds: readonly string[],
): Promise<ReportFileEntity[]> {
  const out: ReportFileEntity[] = [];
  for (const kind of kinds) {
    const file = await ds
      .getRepository(ReportFileEntity)
      .findOne({ where: { evaluationId, kind: kind as ReportFileEntity['kind'] }, order: { dataVersion: 'DESC' } });
    if (file) out.push(file);
  }
  return out;
}
