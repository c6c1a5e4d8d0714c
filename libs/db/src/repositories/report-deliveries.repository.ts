import { DataSource, EntityManager, In, QueryFailedError } from 'typeorm';
import {
  ReportDeliveryEntity,
  ReportFileCopyEntity,
  ReportFileEntity,
  SelfEvaluationEntity,
  TargetSheetEntity,
  UnitEntity,
} from '../entities';

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

/**
 * Which rows are current, defined once for every reader (pages, API, the administrator's to-do): a file is the one
 * its evaluation offers when no newer data version of the same kind exists; a delivery is its file's current one
 * when no later request exists (ties broken by id).
 */
const newestFile = (f: string) =>
  `NOT EXISTS (SELECT 1 FROM report_file nf WHERE nf.evaluation_id = ${f}.evaluation_id AND nf.kind = ${f}.kind ` +
  `AND nf.data_version > ${f}.data_version)`;
const newestDelivery = (d: string) =>
  `NOT EXISTS (SELECT 1 FROM report_delivery nd WHERE nd.report_file_id = ${d}.report_file_id ` +
  `AND (nd.requested_at > ${d}.requested_at OR (nd.requested_at = ${d}.requested_at AND nd.id > ${d}.id)))`;

/** The newest delivery of each file, for pages and the API. */
export async function latestDeliveries(
  ds: DataSource | EntityManager,
  reportFileIds: string[],
): Promise<Map<string, ReportDeliveryEntity>> {
  if (!reportFileIds.length) return new Map();
  const rows = await ds
    .getRepository(ReportDeliveryEntity)
    .createQueryBuilder('d')
    .where('d.report_file_id IN (:...reportFileIds)', { reportFileIds })
    .andWhere(newestDelivery('d'))
    .getMany();
  return new Map(rows.map((r) => [r.reportFileId, r]));
}

/** A current document whose current delivery failed, with what the administrator's list names it by. */
export interface FailedDeliveryRow {
  sheetId: string;
  unitName: string;
  year: number;
  kind: string;
  name: string;
  document: ReportFileEntity['kind'];
  recipient: string | null;
  error: string | null;
}

/** Current documents whose current delivery failed, newest request first (what still needs the administrator). */
export function failedCurrentDeliveries(ds: DataSource | EntityManager, limit: number): Promise<FailedDeliveryRow[]> {
  return ds
    .getRepository(ReportDeliveryEntity)
    .createQueryBuilder('d')
    .innerJoin(ReportFileEntity, 'f', 'f.id = d.report_file_id')
    .innerJoin(SelfEvaluationEntity, 'e', 'e.id = f.evaluation_id')
    .innerJoin(TargetSheetEntity, 's', 's.id = e.sheet_id')
    .innerJoin(UnitEntity, 'u', 'u.id = s.unit_id')
    .select([
      's.id AS "sheetId"',
      'u.name AS "unitName"',
      's.year AS "year"',
      's.kind AS "kind"',
      's.name AS "name"',
      'f.kind AS "document"',
      'd.recipient AS "recipient"',
      'd.error AS "error"',
    ])
    .where("d.status = 'failed'")
    .andWhere(newestDelivery('d'))
    .andWhere(newestFile('f'))
    .orderBy('d.requested_at', 'DESC')
    .limit(limit)
    .getRawMany<FailedDeliveryRow>();
}

/** The Word/Excel copies of these files. */
export async function reportCopies(
  ds: DataSource | EntityManager,
  reportFileIds: string[],
): Promise<ReportFileCopyEntity[]> {
  if (!reportFileIds.length) return [];
  return ds.getRepository(ReportFileCopyEntity).find({ where: { reportFileId: In(reportFileIds) } });
}

/** The newest rendered file of each kind of an evaluation (the documents its page offers), in the order of `kinds`. */
export async function latestEvaluationFiles(
  ds: DataSource | EntityManager,
  evaluationId: string,
  kinds: readonly string[],
): Promise<ReportFileEntity[]> {
  if (!kinds.length) return [];
  const files = await ds
    .getRepository(ReportFileEntity)
    .createQueryBuilder('f')
    .where('f.evaluation_id = :evaluationId AND f.kind IN (:...kinds)', { evaluationId, kinds })
    .andWhere(newestFile('f'))
    .getMany();
  return kinds.flatMap((k) => files.filter((f) => f.kind === k));
}
