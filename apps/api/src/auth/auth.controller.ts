import { Body, Controller, Get, HttpCode, HttpStatus, Param, ParseUUIDPipe, Post, Put, Req } from '@nestjs/common';
import { ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { IsArray, IsEmail, IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { randomUUID } from 'node:crypto';
import { UsersService } from '@selfeval/auth';
import { Job, jobId, JobProducer, RedisClient } from '@selfeval/jobs';
import { DomainError, ROLES } from '@selfeval/domain';
import type { Role } from '@selfeval/domain';
import { Allow, CurrentActor, Public, RequestActor } from './access.decorators';
import { csrfToken } from './session.setup';
import { ApiErrors, ApiSignedInErrors } from '../openapi/error-response';

class LoginDto {
  @ApiProperty({ description: '用户名', maxLength: 64, example: 'tianbao' })
  @IsString()
  @MaxLength(64)
  username!: string;
  @ApiProperty({ description: '密码', maxLength: 200, example: 'Test-pass-2026' })
  @IsString()
  @MaxLength(200)
  password!: string;
}
class PasswordDto {
  @ApiProperty({ description: '当前密码（或一次性密码）', maxLength: 200 })
  @IsString()
  @MaxLength(200)
  currentPassword!: string;
  @ApiProperty({
    description: '新密码：至少 10 位，含字母和数字，不含用户名',
    maxLength: 200,
    example: 'Xin-mima-2026',
  })
  @IsString()
  @MaxLength(200)
  newPassword!: string;
}
class ResetRequestDto {
  @ApiProperty({ description: '忘记密码的用户名', maxLength: 64, example: 'tianbao' })
  @IsString()
  @MaxLength(64)
  username!: string;
}
class ResetConfirmDto {
  @ApiProperty({ description: '重置邮件中的令牌（30 分钟内有效，只能用一次）', maxLength: 200 })
  @IsString()
  @MaxLength(200)
  token!: string;
  @ApiProperty({ description: '新密码', maxLength: 200, example: 'Xin-mima-2026' })
  @IsString()
  @MaxLength(200)
  newPassword!: string;
}
class NewUserDto {
  @ApiProperty({ description: '用户名：3–64 位字母、数字、点、下划线或连字符', maxLength: 64, example: 'zhang.san' })
  @IsString()
  @MaxLength(64)
  username!: string;
  @ApiProperty({ description: '姓名', maxLength: 100, example: '张三' })
  @IsString()
  @MaxLength(100)
  displayName!: string;
  @ApiProperty({ description: '角色：管理员、评审人、填报人、单位负责人', enum: ROLES, example: 'reporter' })
  @IsIn(ROLES)
  role!: Role;
  @ApiPropertyOptional({ description: '所属单位编码（填报人和单位负责人必填）', example: '501' })
  @IsOptional()
  @IsString()
  unitCode?: string;
  @ApiPropertyOptional({ description: '邮箱（用于重置密码邮件）', example: 'zhangsan@example.gov.cn' })
  @IsOptional()
  @IsEmail()
  email?: string;
}
class AssignDto {
  @ApiProperty({ description: '评审人负责的单位编码（整体替换）', type: [String], example: ['501', '502'] })
  @IsArray()
  @IsString({ each: true })
  unitCodes!: string[];
}

/**
 * Sign-in for the pages and the JSON API alike: a session cookie, and a CSRF token for every
 * state-changing request. Failed sign-ins are limited per user name and address (in Redis, so
 * every API process counts the same attempts). One instance serves the JSON login and the login page.
 */
export class LoginLimiter {
  private readonly perUser: RateLimiterRedis;
  private readonly perAddress: RateLimiterRedis;
  private readonly resetMails: RateLimiterRedis;

  constructor(redis: RedisClient, prefix: string) {
    this.perUser = new RateLimiterRedis({
      storeClient: redis,
      keyPrefix: `${prefix}:login-user`,
      points: 5,
      duration: 15 * 60,
    });
    this.perAddress = new RateLimiterRedis({
      storeClient: redis,
      keyPrefix: `${prefix}:login-ip`,
      points: 50,
      duration: 15 * 60,
    });
    this.resetMails = new RateLimiterRedis({
      storeClient: redis,
      keyPrefix: `${prefix}:reset-mail`,
      points: 3,
      duration: 60 * 60,
    });
  }

  /** At most 3 reset mails per account and hour, however many addresses ask (nobody's inbox is flooded). */
  async resetMailAllowed(username: string): Promise<boolean> {
    try {
      await this.resetMails.consume(username.toLowerCase(), 1);
      return true;
    } catch (e) {
      if (e instanceof RateLimiterRes) return false;
      throw e;
    }
  }

  async check(username: string, ip: string): Promise<void> {
    const [u, a] = await Promise.all([this.perUser.get(`${username.toLowerCase()}|${ip}`), this.perAddress.get(ip)]);
    const blocked = [u, a].find((r): r is RateLimiterRes => !!r && r.remainingPoints <= 0);
    if (blocked)
      throw new DomainError(
        'RATE_LIMITED',
        `登录失败次数过多，请 ${Math.ceil(blocked.msBeforeNext / 60_000)} 分钟后再试`,
        { field: 'username' },
      );
  }

  async failed(username: string, ip: string): Promise<void> {
    await Promise.all([this.perUser.penalty(`${username.toLowerCase()}|${ip}`, 1), this.perAddress.penalty(ip, 1)]);
  }

  async succeeded(username: string, ip: string): Promise<void> {
    await this.perUser.delete(`${username.toLowerCase()}|${ip}`);
  }
}

export async function signIn(
  req: Request,
  users: UsersService,
  limiter: LoginLimiter,
  username: string,
  password: string,
) {
  const ip = req.ip ?? 'unknown';
  await limiter.check(username, ip);
  const user = await users.verify(username, password);
  if (!user) {
    await limiter.failed(username, ip);
    throw new DomainError('UNAUTHENTICATED', '用户名或密码不正确', { field: 'password' });
  }
  await limiter.succeeded(username, ip);
  // a new session id at sign-in: a session fixed before login is worthless
  await new Promise<void>((resolve, reject) => req.session.regenerate((e) => (e ? reject(e) : resolve())));
  req.session.userId = user.id;
  req.session.sessionVersion = user.sessionVersion;
  return user;
}

@ApiTags('登录与账号')
@Controller('api/auth')
export class AuthController {
  constructor(
    private readonly users: UsersService,
    private readonly limiter: LoginLimiter,
    private readonly jobs: JobProducer,
  ) {}

  /** Who is signed in (or null) and the CSRF token to send as X-CSRF-Token. */
  @ApiOperation({ summary: '当前登录用户（未登录为 null）和 CSRF 令牌（请求头 X-CSRF-Token）' })
  @Get('session')
  @Public()
  session(@Req() req: Request) {
    const actor = (req as Request & { actor?: RequestActor }).actor;
    return { user: actor?.user ?? null, csrfToken: csrfToken(req) };
  }

  @ApiOperation({ summary: '登录：返回用户和新的 CSRF 令牌，会话保存在 Cookie 中' })
  @ApiErrors(
    HttpStatus.UNAUTHORIZED,
    HttpStatus.FORBIDDEN,
    HttpStatus.UNPROCESSABLE_ENTITY,
    HttpStatus.TOO_MANY_REQUESTS,
  )
  @Post('login')
  @Public()
  @HttpCode(200)
  async login(@Req() req: Request, @Body() dto: LoginDto) {
    const user = await signIn(req, this.users, this.limiter, dto.username, dto.password);
    return { user, csrfToken: csrfToken(req) };
  }

  @ApiOperation({ summary: '退出登录' })
  @ApiErrors(HttpStatus.FORBIDDEN)
  @Post('logout')
  @Public()
  @HttpCode(200)
  async logout(@Req() req: Request) {
    await new Promise<void>((resolve) => req.session.destroy(() => resolve()));
    return { ok: true };
  }

  /**
   * Forgotten password: mails a single-use link to the account's address. The answer is the same
   * whether or not the account exists, has an address, or hit the mail limit (no user enumeration).
   */
  @ApiOperation({ summary: '忘记密码：向账号登记的邮箱发送重置链接（无论账号是否存在，回答都相同）' })
  @ApiErrors(HttpStatus.FORBIDDEN, HttpStatus.UNPROCESSABLE_ENTITY, HttpStatus.TOO_MANY_REQUESTS)
  @Post('password-reset')
  @Public()
  @HttpCode(202)
  async requestReset(@Req() req: Request, @Body() dto: ResetRequestDto) {
    await this.limiter.check(dto.username, req.ip ?? 'unknown');
    const user = await this.users.findActive(dto.username);
    if (user?.email && (await this.limiter.resetMailAllowed(dto.username))) await enqueueResetMail(this.jobs, user.id);
    return { ok: true, message: RESET_REQUESTED };
  }

  /** Sets a new password with a mailed token; every session of the user ends. */
  @ApiOperation({ summary: '用邮件中的令牌设置新密码；该用户的所有会话失效' })
  @ApiErrors(HttpStatus.FORBIDDEN, HttpStatus.UNPROCESSABLE_ENTITY)
  @Post('password-reset/confirm')
  @Public()
  @HttpCode(200)
  async confirmReset(@Body() dto: ResetConfirmDto) {
    await this.users.resetWithToken(dto.token, dto.newPassword);
    return { ok: true };
  }

  @ApiOperation({ summary: '修改自己的密码；本人其他会话失效' })
  @ApiSignedInErrors()
  @Post('password')
  @Allow('account.self')
  @HttpCode(200)
  async password(@Req() req: Request, @CurrentActor() actor: RequestActor, @Body() dto: PasswordDto) {
    // every other session of the user ends; this one carries on under the new version
    req.session.sessionVersion = await this.users.changePassword(actor.user.id, dto.currentPassword, dto.newPassword);
    return { ok: true };
  }
}

export const RESET_REQUESTED = '如果该账号存在并登记了邮箱，重置密码的邮件已发出，请在 30 分钟内使用';

/** One mail job per request (the worker issues the token); the request id makes retries send at most once. */
export async function enqueueResetMail(jobs: JobProducer, userId: string): Promise<void> {
  const requestId = randomUUID();
  await jobs.enqueue(Job.MailPasswordReset, { userId, requestId }, { jobId: jobId(Job.MailPasswordReset, requestId) });
}

@ApiTags('用户管理')
@ApiSignedInErrors()
@Controller('api/users')
export class UsersController {
  constructor(
    private readonly users: UsersService,
    private readonly jobs: JobProducer,
  ) {}

  @ApiOperation({ summary: '所有账号（角色、单位、状态、最近登录）' })
  @Get()
  @Allow('users.manage')
  list() {
    return this.users.list();
  }

  /** Creates an account; without a password a one-time password is returned once (shown to the administrator). */
  @ApiOperation({ summary: '创建账号；未给密码时返回一次性密码（只显示这一次）' })
  @ApiErrors(HttpStatus.CONFLICT)
  @Post()
  @Allow('users.manage')
  async create(@Body() dto: NewUserDto) {
    const { user, oneTimePassword } = await this.users.create(dto);
    return { user, oneTimePassword };
  }

  /** A new one-time password (returned once); the user's sessions end and the password must be changed at sign-in. */
  @ApiOperation({ summary: '重置密码：返回新的一次性密码，该用户的所有会话失效' })
  @ApiErrors(HttpStatus.NOT_FOUND)
  @Post(':id/password-reset')
  @Allow('users.manage')
  @HttpCode(200)
  async resetPassword(@Param('id', ParseUUIDPipe) id: string) {
    return { oneTimePassword: await this.users.resetPassword(id) };
  }

  /** Mails the user a reset link (issue 17); the current password keeps working until the link is used. */
  @ApiOperation({ summary: '向用户邮箱发送重置密码链接' })
  @ApiErrors(HttpStatus.NOT_FOUND)
  @Post(':id/password-reset-mail')
  @Allow('users.manage')
  @HttpCode(202)
  async mailReset(@Param('id', ParseUUIDPipe) id: string) {
    const user = await this.users.getPublic(id);
    if (!user?.active) throw new DomainError('NOT_FOUND', '找不到该用户', { field: 'id' });
    if (!user.email)
      throw new DomainError('VALIDATION_FAILED', `用户“${user.username}”没有登记邮箱，无法发送重置邮件`, {
        field: 'email',
      });
    await enqueueResetMail(this.jobs, user.id);
    return { ok: true };
  }

  @ApiOperation({ summary: '设置评审人负责的单位' })
  @ApiErrors(HttpStatus.NOT_FOUND)
  @Put(':id/units')
  @Allow('users.manage')
  async assign(@Param('id', ParseUUIDPipe) id: string, @Body() dto: AssignDto) {
    await this.users.assign(id, dto.unitCodes);
    return { ok: true };
  }
}
