import { ApiExcludeController } from '@nestjs/swagger';
import { Body, Controller, Get, Post, Query, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { outlineForRegion } from '@selfeval/domain';
import { EvaluationService } from '@selfeval/evaluation';
import { TargetsService } from '@selfeval/targets';
import { Actor, Allow, CurrentActor, RequestActor, SHEET, SheetId } from '../auth/access.decorators';
import { WebViews } from './web-views';
import type { Form } from './view-models/quarter-page.view-model';
import { buildReportTextPageVM, SECTION_FIELD } from './view-models/report-text-page.view-model';
import { postedVersion } from './view-models/stale-save';
import { foundOrNull, handleForm, isStaleSave } from './form-errors';

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
    const ev = await foundOrNull(this.evaluations.get(sheetId));
    // a project sheet has no narrative report: its page points to the department sheet of the same year
    const departmentSheetId =
      sheet.kind === 'department'
        ? null
        : ((await this.targets.listSheets({ unitIds: [sheet.unitId], year: sheet.year })).find(
            (s) => s.kind === 'department',
          )?.id ?? null);
    return buildReportTextPageVM({ sheet, ev, role: actor.user.role, departmentSheetId, ...extra });
  }

  private render(req: Request, model: ReturnType<typeof buildReportTextPageVM>, error?: string) {
    return this.views.render(req, 'report-text', `${model.sheet.name} ${model.sheet.year}年度自评报告正文`, {
      ...model,
      error,
    });
  }

  @Get()
  @Allow('evaluation.read', SHEET)
  async page(
    @Req() req: Request,
    @CurrentActor() actor: RequestActor,
    @SheetId() sheetId: string,
    @Query('saved') saved?: string,
  ) {
    return this.render(req, await this.model(sheetId, actor, { saved }));
  }

  @Post()
  @Allow('evaluation.write', SHEET)
  async save(
    @Req() req: Request,
    @Res() res: Response,
    @CurrentActor() actor: RequestActor,
    @Actor() who: string,
    @SheetId() sheetId: string,
    @Body() form: Form,
  ) {
    const sheet = await this.targets.getSheet(sheetId);
    const sections: Record<string, string> = {};
    for (const s of outlineForRegion(sheet.unit?.region).sections) {
      const text = form[SECTION_FIELD(s.id)];
      if (text !== undefined) sections[s.id] = text;
    }
    await handleForm(
      res,
      async () => {
        await this.evaluations.setReportTexts(sheetId, { sections }, who, postedVersion(form));
        return `/sheets/${sheetId}/report-text?saved=1`;
      },
      // the same form again with everything typed: a message beside each section it concerns
      async (e) => {
        const errors = new Map<string, string>();
        for (const d of e.details) errors.set(d.field.replace(/^sections\./, ''), d.message);
        const model = await this.model(sheetId, actor, { form, errors, stale: isStaleSave(e) });
        return this.render(req, model, `报告正文未保存：${e.userMessage}`);
      },
      {
        shows: (e) => ['VALIDATION_FAILED', 'CONFLICT', 'WORKFLOW_STATE'].includes(e.code),
        status: (e) => (e.code === 'VALIDATION_FAILED' ? 422 : 409),
      },
    );
  }
}
