import { DataSource, In, QueryFailedError } from 'typeorm';
import {
  audit,
  Clock,
  findEvaluation,
  findSheet,
  findSheetAndUnit,
  latestDeliveries,
  latestEvaluationFiles,
  reportCopies,
  ReportDeliveryEntity,
  ReportFileEntity,
} from '@selfeval/db';
import {
  DELIVERY_STATUS_LABELS,
  DeliveryStatus,
  DomainError,
  REPORT_FORMAT_LABELS,
  REPORT_FORMAT_MIME,
  REPORT_FORMATS,
  REPORT_KIND_TITLES,
  ReportFormat,
  ReportKind,
  reportKindsFor,
} from '@selfeval/domain';
import type { MailReportEnqueuer } from '@selfeval/jobs';

/** One generated document of a sheet: its formats, when it was made, and how its last mailing went. */
export interface ReportDocumentView {
  kind: ReportKind;
  title: string;
  createdAt: Date;
  /** made from the evaluation's data as it is now (else the page says the data changed since) */
  current: boolean;
  formats: { format: ReportFormat; label: string; fileName: string; size: number }[];
  delivery: {
    status: DeliveryStatus;
    label: string;
    recipient: string | null;
    /** the reason in Chinese: with 发送失败 why, with 发送中 why the last attempt failed (it is retried) */
    error: string | null;
    requestedAt: Date;
    finishedAt: Date | null;
    resend: boolean;
  } | null;
}

export interface ReportDeliveryOverview {
  unit: { id: string; name: string; contactEmail: string | null };
  documents: ReportDocumentView[];
  /** a mailing is queued or on its way: a resend now would send twice */
  inFlight: boolean;
  /** every document of the sheet exists at the current data version (generating again would change nothing) */
  allCurrent: boolean;
}

/** A download: one stored file of a document in one format. */
export interface ReportDownload {
  fileName: string;
  sha256: string;
  mime: string;
  format: ReportFormat;
  kind: ReportKind;
  dataVersion: number;
}

const REQUEST_KEY = /^[A-Za-z0-9_-]{8,64}$/;
const IN_FLIGHT: DeliveryStatus[] = ['pending', 'sending'];

/**
 * The year-end documents of a sheet after generation: what can be downloaded in which format, the
 * delivery state of each, and resending them once the unit's address is fixed. Used by the year-end
 * page and the JSON API alike; the mail itself is the MailReport job (MailService).
 */
export class ReportDeliveryService {
  constructor(
    private readonly ds: DataSource,
    private readonly enqueueMail: MailReportEnqueuer,
    private readonly now: Clock,
  ) {}

  async overview(sheetId: string): Promise<ReportDeliveryOverview> {
    const { sheet, unit } = await findSheetAndUnit(this.ds, sheetId);
    const ev = await findEvaluation(this.ds, sheetId);
    const kinds = reportKindsFor(sheet.kind);
    const files = ev ? await latestEvaluationFiles(this.ds, ev.id, kinds) : [];
    const ids = files.map((f) => f.id);
    const copies = await reportCopies(this.ds, ids);
    const deliveries = await latestDeliveries(this.ds, ids);
    const documents = files.map((f): ReportDocumentView => {
      const d = deliveries.get(f.id);
      const own = copies
        .filter((c) => c.reportFileId === f.id)
        .sort((a, b) => REPORT_FORMATS.indexOf(a.format) - REPORT_FORMATS.indexOf(b.format));
      return {
        kind: f.kind,
        title: REPORT_KIND_TITLES[f.kind],
        createdAt: f.createdAt,
        current: !!ev && f.dataVersion === ev.dataVersion,
        formats: [
          { format: 'pdf' as const, label: REPORT_FORMAT_LABELS.pdf, fileName: f.fileName, size: f.size },
          ...own.map((c) => ({
            format: c.format,
            label: REPORT_FORMAT_LABELS[c.format],
            fileName: c.fileName,
            size: c.size,
          })),
        ],
        delivery: d
          ? {
              status: d.status,
              label: DELIVERY_STATUS_LABELS[d.status],
              recipient: d.recipient,
              error: d.error,
              requestedAt: d.requestedAt,
              finishedAt: d.finishedAt,
              resend: d.requestKey !== 'auto',
            }
          : null,
      };
    });
    return {
      unit: { id: unit.id, name: unit.name, contactEmail: unit.contactEmail },
      documents,
      inFlight: documents.some((d) => d.delivery && IN_FLIGHT.includes(d.delivery.status)),
      allCurrent: documents.length === kinds.length && documents.every((d) => d.current),
    };
  }

  /** The newest document of a kind (the sheet's first kind, its 自评表, when none is named) in one format. */
  async download(sheetId: string, format: ReportFormat, kind?: ReportKind): Promise<ReportDownload> {
    const sheet = await findSheet(this.ds, sheetId);
    const kinds = reportKindsFor(sheet.kind);
    const wanted = kind ?? kinds[0];
    if (!kinds.includes(wanted))
      throw new DomainError('NOT_FOUND', `这张目标表没有${REPORT_KIND_TITLES[wanted]}`, { field: 'kind' });
    const ev = await findEvaluation(this.ds, sheetId);
    const [file] = ev ? await latestEvaluationFiles(this.ds, ev.id, [wanted]) : [];
    if (!file) throw new DomainError('NOT_FOUND', `还没有生成${REPORT_KIND_TITLES[wanted]}`, { field: 'sheetId' });
    const base = { kind: wanted, format, dataVersion: file.dataVersion, mime: REPORT_FORMAT_MIME[format] };
    if (format === 'pdf') return { ...base, fileName: file.fileName, sha256: file.sha256 };
    const [copy] = (await reportCopies(this.ds, [file.id])).filter((c) => c.format === format);
    if (!copy)
      throw new DomainError('NOT_FOUND', `${REPORT_KIND_TITLES[wanted]}没有 ${REPORT_FORMAT_LABELS[format]} 版本`, {
        field: 'format',
      });
    return { ...base, fileName: copy.fileName, sha256: copy.sha256 };
  }

  /**
   * Mails the last generated documents of a sheet again, to the unit's address as it is now. One call
   * per request key: the same key again (a double click, a reload of the answer) sends nothing more and
   * says so. Refused while the unit has no address or a mailing is still on its way. Audited.
   */
  async resend(
    sheetId: string,
    requestKey: string,
    actor: string,
  ): Promise<{ repeated: boolean; recipient: string; documents: { kind: ReportKind; deliveryId: string }[] }> {
    if (!REQUEST_KEY.test(requestKey ?? ''))
      throw new DomainError('VALIDATION_FAILED', '重新发送的请求编号无效，请刷新页面后重试', { field: 'requestId' });
    const { sheet, unit } = await findSheetAndUnit(this.ds, sheetId);
    const ev = await findEvaluation(this.ds, sheetId);
    const files = ev ? await latestEvaluationFiles(this.ds, ev.id, reportKindsFor(sheet.kind)) : [];
    if (!ev || !files.length)
      throw new DomainError('NOT_FOUND', '还没有生成报告：请先生成报告，再重新发送', { field: 'report' });
    const earlier = await this.requested(files, requestKey);
    if (earlier) return earlier;
    const to = unit.contactEmail;
    if (!to)
      throw new DomainError(
        'VALIDATION_FAILED',
        `单位“${unit.name}”未设置联系邮箱：请先在单位概况中填写联系邮箱，再重新发送`,
        { field: 'contactEmail' },
      );
    const latest = await latestDeliveries(
      this.ds,
      files.map((f) => f.id),
    );
    if ([...latest.values()].some((d) => IN_FLIGHT.includes(d.status))) {
      // the in-flight delivery may be this very request's, saved by its twin (a double click) since the check above
      const twin = await this.requested(files, requestKey);
      if (twin) return twin;
      throw new DomainError('WORKFLOW_STATE', '报告正在发送，请稍后刷新本页查看发送结果', { field: 'delivery' });
    }
    const now = this.now();
    let rows: ReportDeliveryEntity[];
    try {
      rows = await this.ds.transaction(async (em) => {
        const repo = em.getRepository(ReportDeliveryEntity);
        const saved = [];
        for (const f of files)
          saved.push(
            await repo.save(
              repo.create({
                reportFileId: f.id,
                requestKey,
                status: 'pending',
                recipient: to,
                error: null,
                mailKey: null,
                attempts: 0,
                requestedBy: actor,
                requestedAt: now,
                finishedAt: null,
              }),
            ),
          );
        await audit(em, {
          entity: 'self_evaluation',
          entityId: ev.id,
          action: 'resend-report',
          actor,
          changes: [['收件邮箱', null, to]],
          reason: files.map((f) => REPORT_KIND_TITLES[f.kind]).join('、'),
        });
        return saved;
      });
    } catch (e) {
      // the same request at the same moment (a double click): the other one sends
      if (!(e instanceof QueryFailedError)) throw e;
      const other = await this.requested(files, requestKey);
      if (!other) throw e;
      return other;
    }
    for (const row of rows) {
      try {
        await this.enqueueMail(row.reportFileId, row.id);
      } catch (e) {
        await this.ds
          .getRepository(ReportDeliveryEntity)
          .update(row.id, { status: 'failed', error: '未能加入发送队列，请稍后重新发送', finishedAt: this.now() });
        throw e;
      }
    }
    return { repeated: false, recipient: to, documents: byKind(files, rows) };
  }

  /** The deliveries an earlier call with this request key made, if any. */
  private async requested(files: ReportFileEntity[], requestKey: string) {
    const rows = await this.ds
      .getRepository(ReportDeliveryEntity)
      .findBy({ reportFileId: In(files.map((f) => f.id)), requestKey });
    if (!rows.length) return null;
    return { repeated: true, recipient: rows[0].recipient ?? '', documents: byKind(files, rows) };
  }
}

/** Each document's delivery of one request, in the order of the sheet's documents. */
function byKind(files: ReportFileEntity[], rows: ReportDeliveryEntity[]) {
  return files.flatMap((f) => {
    const row = rows.find((r) => r.reportFileId === f.id);
    return row ? [{ kind: f.kind, deliveryId: row.id }] : [];
  });
}
