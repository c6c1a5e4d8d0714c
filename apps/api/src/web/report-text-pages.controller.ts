import { ApiExcludeController } from '@nestjs/swagger';
import { Body, Controller, Get, Param, ParseUUIDPipe, Post, Query, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { DomainError, outlineForRegion } from '@selfeval/domain';
import { EvaluationService } from '@selfeval/evaluation';
import { TargetsService } from '@selfeval/targets';
import { Actor, Allow, CurrentActor, RequestActor } from '../auth/access.decorators';
import { WebViews } from './web-views';
import type { Form } from './view-models/quarter-page.view-model';
import { buildReportTextPageVM, SECTION_FIELD } from './view-models/report-text-page.view-model';
import { postedVersion } from './view-models/stale-save';

const SHEET = { subject: 'sheet' as const, param: 'sheetId' };

/**
 * 自评报告正文: the unit's own words for every section of its report outline (七 结果应用, 八 其他 …),
 * per sheet and year, before approval; saved whole through EvaluationService (one transaction, versioned).
 */
// pages, not JSON: kept out of the OpenAPI document
@ApiExcludeController()
@Controller('sheets/:sheetId/report-text')
export class ReportTextPagesController {
  constructor(
    private readonly views: WebViews,
    private readonly targets: TargetsService,
    private readonly evaluations: EvaluationService,
  ) {}

  private async model(
    sheetId: string,
    actor: RequestActor,
    extra: Partial<Parameters<typeof buildReportTextPageVM>[0]>,
  ) {
    const sheet = await this.targets.getSheet(sheetId);
    const ev = await this.evaluations.get(sheetId).catch((e) => {
      if (e instanceof DomainError && e.code === 'NOT_FOUND') return null;
      throw e;
    });
    // a project sheet has no narrative report: its page points to the department sheet of the same year
    const departmentSheetId =
      sheet.kind === 'department'
        ? null
        : ((await this.targets.listSheets({ unitIds: [sheet.unitId], year: sheet.year })).find(
            (s) => s.kind === 'department',
          )?.id ?? null);
    return buildReportTextPageVM({ sheet, ev, role: actor.user.role, departmentSheetId, ...extra });
  }

  private title(model: ReturnType<typeof buildReportTextPageVM>) {
    return `${model.sheet.name} ${model.sheet.year}年度自评报告正文`;
  }

  @Get()
  @Allow('evaluation.read', SHEET)
  async page(
    @Req() req: Request,
    @CurrentActor() actor: RequestActor,
    @Param('sheetId', ParseUUIDPipe) sheetId: string,
    @Query('saved') saved?: string,
  ) {
    const model = await this.model(sheetId, actor, { saved });
    return this.views.render(req, 'report-text', this.title(model), model);
  }

  @Post()
  @Allow('evaluation.write', SHEET)
  async save(
    @Req() req: Request,
    @Res() res: Response,
    @CurrentActor() actor: RequestActor,
    @Actor() who: string,
    @Param('sheetId', ParseUUIDPipe) sheetId: string,
    @Body() form: Form,
  ) {
    const sheet = await this.targets.getSheet(sheetId);
    const sections: Record<string, string> = {};
    for (const s of outlineForRegion(sheet.unit?.region).sections) {
      const text = form[SECTION_FIELD(s.id)];
      if (text !== undefined) sections[s.id] = text;
    }
    try {
      await this.evaluations.setReportTexts(sheetId, { sections }, who, postedVersion(form));
      res.redirect(303, `/sheets/${sheetId}/report-text?saved=1`);
    } catch (e) {
      if (!(e instanceof DomainError) || !['VALIDATION_FAILED', 'CONFLICT', 'WORKFLOW_STATE'].includes(e.code)) throw e;
      // the same form again with everything typed: a message beside each section it concerns
      const stale = e.code === 'CONFLICT' && e.where.field === 'version';
      const errors = new Map<string, string>();
      for (const d of e.details) errors.set(d.field.replace(/^sections\./, ''), d.message);
      const model = await this.model(sheetId, actor, { form, errors, stale });
      res
        .status(e.code === 'VALIDATION_FAILED' ? 422 : 409)
        .type('html')
        .send(
          this.views.render(req, 'report-text', this.title(model), {
            ...model,
            error: `报告正文未保存：${e.userMessage}`,
          }),
        );
    }
  }
}
