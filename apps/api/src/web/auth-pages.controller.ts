import { ApiExcludeController } from '@nestjs/swagger';
import { Body, Controller, Get, Post, Query, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { UsersService } from '@selfeval/auth';
import { DomainError } from '@selfeval/domain';
import { Allow, CurrentActor, Public, RequestActor } from '../auth/access.decorators';
import { JobProducer } from '@selfeval/jobs';
import { enqueueResetMail, LoginLimiter, RESET_REQUESTED, signIn } from '../auth/auth.controller';
import { WebViews } from './web-views';
import { handleForm, sendPage } from './form-errors';

/** Only local paths: `next` must not send a signed-in user to another site. */
function safeNext(next: unknown): string {
  return typeof next === 'string' && /^\/(?!\/)[^\s\\]*$/.test(next) ? next : '/';
}

/** The new password typed twice, the same both times. */
function checkConfirmed(body: { newPassword?: string; confirmPassword?: string }): void {
  if (body.newPassword !== body.confirmPassword)
    throw new DomainError('VALIDATION_FAILED', '两次输入的新密码不一致', { field: 'confirmPassword' });
}

// pages, not JSON: kept out of the OpenAPI document
@ApiExcludeController()
@Controller()
export class AuthPagesController {
  constructor(
    private readonly views: WebViews,
    private readonly users: UsersService,
    private readonly limiter: LoginLimiter,
    private readonly jobs: JobProducer,
  ) {}

  /** The link in a reset mail opens this page (with ?token=); without a token it asks for the user name. */
  @Get('password-reset')
  @Public()
  resetPage(@Req() req: Request, @Query('token') token?: string) {
    return this.views.render(req, 'password-reset', '重置密码', { token: typeof token === 'string' ? token : '' });
  }

  @Post('password-reset/request')
  @Public()
  async requestReset(@Req() req: Request, @Res() res: Response, @Body() body: { username?: string }) {
    const username = String(body.username ?? '').slice(0, 64);
    try {
      await this.limiter.check(username, req.ip ?? 'unknown');
      const user = await this.users.findActive(username);
      if (user?.email && (await this.limiter.resetMailAllowed(username))) await enqueueResetMail(this.jobs, user.id);
      sendPage(res, this.views.render(req, 'password-reset', '重置密码', { sent: RESET_REQUESTED }));
    } catch (e) {
      if (!(e instanceof DomainError)) throw e;
      sendPage(res, this.views.render(req, 'password-reset', '重置密码', { error: e.userMessage }), 429);
    }
  }

  @Post('password-reset')
  @Public()
  async reset(
    @Req() req: Request,
    @Res() res: Response,
    @Body() body: { token?: string; newPassword?: string; confirmPassword?: string },
  ) {
    const token = String(body.token ?? '');
    await handleForm(
      res,
      async () => {
        checkConfirmed(body);
        await this.users.resetWithToken(token, String(body.newPassword ?? ''));
        return '/login';
      },
      (e) => this.views.render(req, 'password-reset', '重置密码', { token, error: e.userMessage }),
    );
  }

  @Get('login')
  @Public()
  loginPage(@Req() req: Request, @Query('next') next?: string) {
    return this.views.render(req, 'login', '登录', { next: safeNext(next) });
  }

  @Post('login')
  @Public()
  async login(
    @Req() req: Request,
    @Res() res: Response,
    @Body() body: { username?: string; password?: string; next?: string },
  ) {
    await handleForm(
      res,
      async () => {
        const username = String(body.username ?? '');
        const user = await signIn(req, this.users, this.limiter, username, String(body.password ?? ''));
        return user.mustChangePassword ? '/password' : safeNext(body.next);
      },
      (e) =>
        this.views.render(req, 'login', '登录', {
          next: safeNext(body.next),
          username: body.username,
          error: e.userMessage,
        }),
      { status: (e) => (e.code === 'RATE_LIMITED' ? 429 : 401) },
    );
  }

  @Post('logout')
  @Public()
  async logout(@Req() req: Request, @Res() res: Response) {
    await new Promise<void>((resolve) => req.session.destroy(() => resolve()));
    res.redirect(303, '/login');
  }

  @Get('password')
  @Allow('account.self')
  passwordPage(@Req() req: Request, @CurrentActor() actor: RequestActor) {
    return this.views.render(req, 'password', '修改密码', { forced: actor.user.mustChangePassword });
  }

  @Post('password')
  @Allow('account.self')
  async password(
    @Req() req: Request,
    @Res() res: Response,
    @CurrentActor() actor: RequestActor,
    @Body() body: { currentPassword?: string; newPassword?: string; confirmPassword?: string },
  ) {
    await handleForm(
      res,
      async () => {
        checkConfirmed(body);
        req.session.sessionVersion = await this.users.changePassword(
          actor.user.id,
          String(body.currentPassword ?? ''),
          String(body.newPassword ?? ''),
        );
        return '/?changed=1';
      },
      (e) =>
        this.views.render(req, 'password', '修改密码', {
          forced: actor.user.mustChangePassword,
          error: e.userMessage,
          errorField: e.where.field,
        }),
    );
  }
}
