import { ApiExcludeController } from '@nestjs/swagger';
import { Controller, Get, Query, Req } from '@nestjs/common';
import type { Request } from 'express';
import { ActualsQueries } from '@selfeval/actuals';
import { EvaluationService } from '@selfeval/evaluation';
import { can, PERIODS, sheetLabel, ungradedReason } from '@selfeval/domain';
import { TargetsService } from '@selfeval/targets';
import { Allow, CurrentActor, RequestActor, scopedUnitIds } from '../auth/access.decorators';
import { WebViews } from './web-views';

/** The home page (each role's list of sheets) and the monitoring board. */
// pages, not JSON: kept out of the OpenAPI document
@ApiExcludeController()
@Controller()
export class HomePagesController {
  constructor(
    private readonly views: WebViews,
    private readonly targets: TargetsService,
    private readonly queries: ActualsQueries,
    private readonly evaluations: EvaluationService,
  ) {}

  @Get()
  @Allow('targets.read')
  async home(@Req() req: Request, @CurrentActor() actor: RequestActor, @Query('changed') changed?: string) {
    const sheets = (await this.targets.listSheets({ unitIds: scopedUnitIds(actor) })).filter(
      (s) => s.status === 'approved' || actor.user.role === 'admin',
    );
    const statuses = await this.queries.statuses(sheets.map((s) => s.id));
    const evs = await this.evaluations.bySheet(sheets.map((s) => s.id));
    const rows = sheets.map((s) => {
      const ev = evs.get(s.id);
      return {
        id: s.id,
        year: s.year,
        unit: s.unit?.name,
        name: sheetLabel(s),
        sheetStatus: s.status,
        quarters: PERIODS.map((p) => ({ period: p, status: statuses.get(s.id)?.[p] ?? null })),
        evaluation: ev
          ? { status: ev.status, total: ev.total, grade: ev.grade ?? (ev.result ? ungradedReason(ev.result) : null) }
          : null,
      };
    });
    const queue =
      actor.user.role === 'evaluator' || actor.user.role === 'admin'
        ? rows.filter((r) => r.evaluation?.status === 'submitted')
        : [];
    return this.views.render(req, 'home', '首页', {
      rows,
      queue,
      changed: changed === '1',
      canReview: can(actor.user.role, 'evaluation.review'),
    });
  }

  @Get('board')
  @Allow('board.read')
  async board(
    @Req() req: Request,
    @CurrentActor() actor: RequestActor,
    @Query('year') yearText?: string,
    @Query('period') period = 'Q1',
  ) {
    const year = Number(yearText) || new Date().getFullYear();
    const board = await this.queries.board(
      year,
      PERIODS.includes(period as never) ? period : 'Q1',
      scopedUnitIds(actor),
    );
    return this.views.render(req, 'board', '监控看板', {
      ...board,
      years: [year - 2, year - 1, year, year + 1],
      periods: PERIODS,
    });
  }
}
