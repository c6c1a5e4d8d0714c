import { Controller, Get, HttpStatus, Inject, Res } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Response } from 'express';
import { DataSource } from 'typeorm';
import { JobProducer, REDIS_CONNECTION, RedisClient } from '@selfeval/jobs';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Public } from '../auth/access.decorators';

type Check = { ok: boolean; error?: string; [k: string]: unknown };

@ApiTags('运行状态')
@Controller('api/health')
export class HealthController {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(REDIS_CONNECTION) private readonly redis: RedisClient,
    private readonly jobs: JobProducer,
  ) {}

  /** 200 when the database and Redis answer, 503 otherwise; queue counts for operators. */
  @ApiOperation({ summary: '健康检查：数据库、Redis 和作业队列（无需登录）' })
  @ApiResponse({ status: 200, description: '数据库和 Redis 正常' })
  @ApiResponse({ status: 503, description: '数据库或 Redis 无法连接（返回体同样列出各项检查）' })
  @Get()
  @Public()
  async health(@Res({ passthrough: true }) res: Response) {
    const database = await check(async () => {
      await this.db.query('SELECT 1');
      return { driver: this.db.options.type };
    });
    const redis = await check(async () => ({ pong: await this.redis.ping() }));
    const queues = redis.ok
      ? await check(async () => ({ workers: await this.jobs.workerCounts(), counts: await this.jobs.counts() }))
      : { ok: false, error: 'redis unavailable' };
    const ok = database.ok && redis.ok;
    res.status(ok ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE);
    return { status: ok ? 'ok' : 'error', database, redis, queues };
  }
}

async function check(fn: () => Promise<Record<string, unknown>>, timeoutMs = 2_000): Promise<Check> {
  let timer: NodeJS.Timeout | undefined;
  try {
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs);
    });
    return { ok: true, ...(await Promise.race([fn(), timeout])) };
  } catch (e) {
    return { ok: false, error: (e as Error).message };
  } finally {
    clearTimeout(timer);
  }
}
