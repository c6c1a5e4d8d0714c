import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import * as path from 'node:path';
import { UnrecoverableError } from 'bullmq';
import { DataSource, QueryFailedError } from 'typeorm';
import { APP_CONFIG, AppConfig } from '@selfeval/config';
import {
  CLOCK,
  Clock,
  ContentStore,
  ensureAutoDelivery,
  findSheetAndUnit,
  QuarterReportEntity,
  REPORT_STORE,
  ReportFileCopyEntity,
  ReportFileEntity,
  SelfEvaluationEntity,
} from '@selfeval/db';
import { copyFileName, REPORT_KIND_TITLES, ReportKind, reportKindsFor } from '@selfeval/domain';
import { HandlesJob, Job, jobId, JobPayload, JobProducer, JobResult } from '@selfeval/jobs';
import { buildDepartmentReportDocx, buildSelfEvalDocx, buildSelfEvalXlsx } from './exports';
import { PdfRenderer } from './pdf-renderer';
import { loadDepartmentReportSource, loadMonitoringSource, loadSelfEvalSource } from './report-data';
import { TemplateRegistry } from './template-registry';
import { buildDepartmentReportVM } from './view-models/department-report';
import { buildMonitoringTableVM } from './view-models/monitoring-table';
import { buildSelfEvalTableVM } from './view-models/self-eval-table';

interface Rendered {
  html: string;
  fileName: string;
  /** the Word/Excel copies, built from the same view model as the PDF */
  copies?: () => Promise<{ format: 'docx' | 'xlsx'; bytes: Buffer }[]>;
}

/** Render and mail are separate jobs: a flaky SMTP relay never makes Chromium render again. */
@Injectable()
export class ReportHandlers implements OnApplicationShutdown {
  private readonly logger = new Logger(ReportHandlers.name);
  private readonly renderer: PdfRenderer;
  private readonly templates = new TemplateRegistry();

  constructor(
    private readonly ds: DataSource,
    private readonly jobs: JobProducer,
    @Inject(APP_CONFIG) config: AppConfig,
    @Inject(REPORT_STORE) private readonly store: ContentStore,
    @Inject(CLOCK) private readonly now: Clock,
  ) {
    // profiles under DATA_DIR/chromium: a Chromium left by a killed worker is stopped here
    this.renderer = new PdfRenderer({
      executablePath: config.chromiumPath,
      pages: 2,
      timeoutMs: 60_000,
      profileRoot: path.join(config.dataDir, 'chromium'),
    });
    if (this.renderer.reaped.length)
      this.logger.warn(`stopped ${this.renderer.reaped.length} Chromium left by a killed process`);
  }

  /** One PDF per subject, data version and kind: a retried or duplicated job reuses the stored file. */
  @HandlesJob(Job.RenderReport)
  async render({
    kind,
    subjectId,
    dataVersion,
    mail,
  }: JobPayload[Job.RenderReport]): Promise<JobResult[Job.RenderReport]> {
    const files = this.ds.getRepository(ReportFileEntity);
    const subject = kind === 'monitoring-table' ? { quarterReportId: subjectId } : { evaluationId: subjectId };
    let file = await files.findOneBy({ ...subject, dataVersion, kind });
    if (!file) {
      const rendered =
        kind === 'monitoring-table'
          ? await this.monitoringTable(subjectId, dataVersion)
          : await this.evaluationDocument(kind, subjectId, dataVersion);
      if (!rendered) return 'skipped'; // newer data: a newer render job will come
      const pdf = await this.renderer.render(rendered.html, { pageNumbers: true });
      const sha256 = this.store.put(pdf);
      const copies = await this.storeCopies(rendered);
      try {
        // the file and its copies together: a retried job finds either all of them or none
        file = await this.ds.transaction(async (em) => {
          const saved = await em.getRepository(ReportFileEntity).save(
            files.create({
              evaluationId: null,
              quarterReportId: null,
              ...subject,
              dataVersion,
              kind,
              sha256,
              size: pdf.length,
              fileName: rendered.fileName,
              createdAt: this.now(),
            }),
          );
          const copyRepo = em.getRepository(ReportFileCopyEntity);
          for (const c of copies)
            await copyRepo.save(
              copyRepo.create({
                reportFileId: saved.id,
                format: c.format,
                sha256: c.sha256,
                size: c.size,
                fileName: copyFileName(rendered.fileName, c.format),
              }),
            );
          return saved;
        });
      } catch (e) {
        // another worker rendered the same version first: use its row
        if (!(e instanceof QueryFailedError)) throw e;
        file = await files.findOneByOrFail({ ...subject, dataVersion, kind });
      }
    }
    if (mail) {
      // 待发送 from now on: the year-end page shows the delivery before the mail job runs
      const delivery = await ensureAutoDelivery(this.ds, file.id, this.now());
      await this.jobs.enqueue(
        Job.MailReport,
        { reportFileId: file.id, deliveryId: delivery.id },
        { jobId: jobId(Job.MailReport, file.id) },
      );
    }
    return { reportFileId: file.id };
  }

  private async evaluationDocument(
    kind: ReportKind,
    evaluationId: string,
    dataVersion: number,
  ): Promise<Rendered | null> {
    const ev = await this.ds.getRepository(SelfEvaluationEntity).findOneBy({ id: evaluationId });
    if (!ev || ev.dataVersion !== dataVersion) return null;
    // transient: the scoring job for this version has not finished yet; retried with backoff
    if (ev.scoreState !== 'scored' || ev.scoredVersion !== dataVersion)
      throw new Error(`evaluation ${evaluationId} v${dataVersion} not scored yet (${ev.scoreState})`);
    const { sheet, unit } = await findSheetAndUnit(this.ds, ev.sheetId);
    if (!reportKindsFor(sheet.kind).includes(kind))
      throw new UnrecoverableError(`a ${sheet.kind} sheet has no ${kind}`);
    const stem =
      sheet.kind === 'department' ? `${unit.name}-${sheet.year}年度` : `${unit.name}-${sheet.name}-${sheet.year}年度`;
    if (kind === 'department-report') {
      const { source, unscored } = await loadDepartmentReportSource(this.ds, ev);
      if (unscored.length)
        this.logger.warn(`${unit.name} ${sheet.year} 自评报告：未打分的项目不列入附件：${unscored.join('、')}`);
      const vm = buildDepartmentReportVM(source);
      return {
        html: this.templates.render('department-report', vm),
        fileName: `${stem}${REPORT_KIND_TITLES[kind]}.pdf`,
        copies: async () => [{ format: 'docx', bytes: await buildDepartmentReportDocx(vm) }],
      };
    }
    const vm = buildSelfEvalTableVM(await loadSelfEvalSource(this.ds, ev));
    return {
      html: this.templates.render('self-eval-table', vm),
      fileName: `${stem}${REPORT_KIND_TITLES[kind]}.pdf`,
      copies: async () => [
        { format: 'docx', bytes: await buildSelfEvalDocx(vm) },
        { format: 'xlsx', bytes: await buildSelfEvalXlsx(vm) },
      ],
    };
  }

  /**
   * The Word/Excel copies into the store. A copy that cannot be built is logged and left out: the PDF is
   * the document of record, and the page offers only the formats that exist.
   */
  private async storeCopies(rendered: Rendered) {
    if (!rendered.copies) return [];
    try {
      return (await rendered.copies()).map((c) => ({
        format: c.format,
        sha256: this.store.put(c.bytes),
        size: c.bytes.length,
      }));
    } catch (e) {
      this.logger.warn(`${rendered.fileName}：Word/Excel 副本生成失败：${(e as Error).message}`);
      return [];
    }
  }

  private async monitoringTable(reportId: string, dataVersion: number): Promise<Rendered | null> {
    const report = await this.ds.getRepository(QuarterReportEntity).findOneBy({ id: reportId });
    if (!report || report.dataVersion !== dataVersion) return null;
    const source = await loadMonitoringSource(this.ds, report); // throws (retried) until the lights of this version exist
    return {
      html: this.templates.render('monitoring-table', buildMonitoringTableVM(source)),
      fileName: `${source.unitName}-${source.sheetName}-${report.year}年${report.period}绩效运行监控表.pdf`,
    };
  }

  async onApplicationShutdown() {
    await this.renderer.close();
  }
}
