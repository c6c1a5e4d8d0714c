import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import * as path from 'node:path';
import { UnrecoverableError } from 'bullmq';
import { DataSource, QueryFailedError } from 'typeorm';
import { APP_CONFIG, AppConfig } from '@selfeval/config';
import {
  CLOCK,
  Clock,
  ContentStore,
  findSheet,
  findUnit,
  QuarterReportEntity,
  REPORT_STORE,
  ReportFileEntity,
  SelfEvaluationEntity,
} from '@selfeval/db';
import { REPORT_KIND_TITLES, ReportKind, reportKindsFor } from '@selfeval/domain';
import { HandlesJob, Job, jobId, JobPayload, JobProducer, JobResult } from '@selfeval/jobs';
import { PdfRenderer } from './pdf-renderer';
import { loadDepartmentReportSource, loadMonitoringSource, loadSelfEvalSource } from './report-data';
import { TemplateRegistry } from './template-registry';
import { buildDepartmentReportVM } from './view-models/department-report';
import { buildMonitoringTableVM } from './view-models/monitoring-table';
import { buildSelfEvalTableVM } from './view-models/self-eval-table';

interface Rendered {
  html: string;
  fileName: string;
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
      try {
        file = await files.save(
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
      } catch (e) {
        // another worker rendered the same version first: use its row
        if (!(e instanceof QueryFailedError)) throw e;
        file = await files.findOneByOrFail({ ...subject, dataVersion, kind });
      }
    }
    if (mail)
      await this.jobs.enqueue(Job.MailReport, { reportFileId: file.id }, { jobId: jobId(Job.MailReport, file.id) });
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
    const sheet = await findSheet(this.ds, ev.sheetId);
    const unit = await findUnit(this.ds, sheet.unitId);
    if (!reportKindsFor(sheet.kind).includes(kind))
      throw new UnrecoverableError(`a ${sheet.kind} sheet has no ${kind}`);
    const stem =
      sheet.kind === 'department' ? `${unit.name}-${sheet.year}年度` : `${unit.name}-${sheet.name}-${sheet.year}年度`;
    if (kind === 'department-report') {
      const { source, unscored } = await loadDepartmentReportSource(this.ds, ev);
      if (unscored.length)
        this.logger.warn(`${unit.name} ${sheet.year} 自评报告：未打分的项目不列入附件：${unscored.join('、')}`);
      return {
        html: this.templates.render('department-report', buildDepartmentReportVM(source)),
        fileName: `${stem}${REPORT_KIND_TITLES[kind]}.pdf`,
      };
    }
    return {
      html: this.templates.render('self-eval-table', buildSelfEvalTableVM(await loadSelfEvalSource(this.ds, ev))),
      fileName: `${stem}${REPORT_KIND_TITLES[kind]}.pdf`,
    };
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
