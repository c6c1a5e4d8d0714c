import { ApiExcludeController } from '@nestjs/swagger';
import { Body, Controller, Get, Param, ParseUUIDPipe, Post, Query, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { UNIT_PROFILE_FIELDS, UnitProfileField } from '@selfeval/domain';
import { UnitProfileService } from '@selfeval/targets';
import { Actor, Allow, CurrentActor, RequestActor, scopedUnitIds, UNIT } from '../auth/access.decorators';
import { WebViews } from './web-views';
import type { Form } from './view-models/quarter-page.view-model';
import { postedVersion } from './view-models/stale-save';
import { buildUnitProfilePageVM } from './view-models/unit-profile-page.view-model';
import { handleForm, isStaleSave } from './form-errors';

const FIELDS = Object.keys(UNIT_PROFILE_FIELDS) as UnitProfileField[];

/** 单位概况 pages: the units of the user's scope, and one unit's profile form (thin over UnitProfileService). */
// pages, not JSON: kept out of the OpenAPI document
@ApiExcludeController()
@Controller('units')
export class UnitProfilePagesController {
  constructor(
    private readonly views: WebViews,
    private readonly profiles: UnitProfileService,
  ) {}

  @Get()
  @Allow('targets.read')
  async list(@Req() req: Request, @CurrentActor() actor: RequestActor) {
    const units = (await this.profiles.list(scopedUnitIds(actor))).map((u) => ({
      ...u,
      filled: !!(u.functions || u.organization || u.staffQuota !== null || u.staffActual !== null || u.staffNotes),
    }));
    return this.views.render(req, 'units', '单位概况', { units });
  }

  @Get(':id/profile')
  @Allow('targets.read', UNIT)
  async page(
    @Req() req: Request,
    @CurrentActor() actor: RequestActor,
    @Param('id', ParseUUIDPipe) id: string,
    @Query('saved') saved?: string,
  ) {
    const profile = await this.profiles.get(id);
    return this.render(req, profile, buildUnitProfilePageVM({ profile, role: actor.user.role, saved }));
  }

  @Post(':id/profile')
  @Allow('evaluation.write', UNIT)
  async save(
    @Req() req: Request,
    @Res() res: Response,
    @CurrentActor() actor: RequestActor,
    @Actor() who: string,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() form: Form,
  ) {
    const input = Object.fromEntries(FIELDS.filter((f) => form[f] !== undefined).map((f) => [f, form[f]]));
    await handleForm(
      res,
      async () => {
        await this.profiles.save(id, input, who, postedVersion(form));
        return `/units/${id}/profile?saved=1`;
      },
      // the same form again: everything typed kept, each message beside its field (or the stored values beside them)
      async (e) => {
        const stale = isStaleSave(e);
        const errors = new Map<string, string>();
        for (const d of e.details.length ? e.details : [{ field: e.where.field ?? '', message: e.userMessage }])
          errors.set(d.field, errors.has(d.field) ? `${errors.get(d.field)}；${d.message}` : d.message);
        const profile = await this.profiles.get(id);
        const model = buildUnitProfilePageVM({ profile, role: actor.user.role, form, errors, stale });
        return this.render(req, profile, model, stale ? e.userMessage : `单位概况未保存：${e.userMessage}`);
      },
      { shows: (e) => e.code === 'VALIDATION_FAILED' || e.code === 'CONFLICT' },
    );
  }

  private render(req: Request, profile: { name: string }, model: object, error?: string) {
    return this.views.render(req, 'unit-profile', `${profile.name} 单位概况`, { ...model, error });
  }
}
