import * as path from 'node:path';
import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { DataSource, QueryFailedError } from 'typeorm';
import { APP_CONFIG, AppConfig } from '@selfeval/config';
import { ContentStore, ReportFileEntity, SelfEvaluationEntity, TargetSheetEntity, UnitEntity } from '@selfeval/db';
import { HandlesJob, Job, jobId, JobPayload, JobProducer, JobResult } from '@selfeval/jobs';
import { PdfRenderer } from './pdf-renderer';
import { loadSelfEvalSource } from './report-data';
import { TemplateRegistry } from './template-registry';
import { buildProjectSelfEvalVM } from './view-models/project-self-eval';

export const REPORT_KIND = 'self-eval-table';

/** Render and mail are separate jobs: a flaky SMTP relay never makes Chromium render again. */
@Injectable()
export class ReportHandlers implements OnApplicationShutdown {
  private readonly logger = new Logger(ReportHandlers.name);
  private readonly renderer: PdfRenderer;
  private readonly templates = new TemplateRegistry();
  private readonly store: ContentStore;

  constructor(
    private readonly ds: DataSource,
    private readonly jobs: JobProducer,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.renderer = new PdfRenderer({ executablePath: config.chromiumPath, pages: 2, timeoutMs: 60_000 });
    this.store = new ContentStore(path.join(config.dataDir, 'reports'));
  }

  @HandlesJob(Job.RenderReport)
  async render({ evaluationId, dataVersion, mail }: JobPayload[Job.RenderReport]): Promise<JobResult[Job.RenderReport]> {
    const files = this.ds.getRepository(ReportFileEntity);
    let file = await files.findOneBy({ evaluationId, dataVersion, kind: REPORT_KIND });
    if (!file) {
      const ev = await this.ds.getRepository(SelfEvaluationEntity).findOneBy({ id: evaluationId });
      if (!ev || ev.dataVersion !== dataVersion) return 'skipped'; // newer data: a newer render job will come
      // transient: the scoring job for this version has not finished yet; retried with backoff
      if (ev.scoreState !== 'scored' || ev.scoredVersion !== dataVersion) throw new Error(`evaluation ${evaluationId} v${dataVersion} not scored yet (${ev.scoreState})`);
      const html = this.templates.render('project-self-eval', buildProjectSelfEvalVM(await loadSelfEvalSource(this.ds, ev)));
      const pdf = await this.renderer.render(html, { pageNumbers: true });
      const sha256 = this.store.put(pdf);
      const sheet = await this.ds.getRepository(TargetSheetEntity).findOneByOrFail({ id: ev.sheetId });
      const unit = await this.ds.getRepository(UnitEntity).findOneByOrFail({ id: sheet.unitId });
      try {
        file = await files.save(files.create({ evaluationId, dataVersion, kind: REPORT_KIND, sha256, size: pdf.length, fileName: `${unit.name}-${sheet.name}-${sheet.year}年度绩效自评表.pdf`, createdAt: new Date() }));
      } catch (e) {
        // another worker rendered the same version first: use its row
        if (!(e instanceof QueryFailedError)) throw e;
        file = await files.findOneByOrFail({ evaluationId, dataVersion, kind: REPORT_KIND });
      }
    }
    if (mail) await this.jobs.enqueue(Job.MailReport, { reportFileId: file.id }, { jobId: jobId(Job.MailReport, file.id) });
    return { reportFileId: file.id };
  }

  async onApplicationShutdown() {
    await this.renderer.close();
  }
}
