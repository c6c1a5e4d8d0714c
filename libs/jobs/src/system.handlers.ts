import { Injectable } from '@nestjs/common';
import { HandlesJob } from './handles-job.decorator';
import { Job, JobPayload, JobResult } from './job-registry';

@Injectable()
export class SystemHandlers {
  @HandlesJob(Job.Echo)
  async echo({ message, delayMs = 0 }: JobPayload[Job.Echo]): Promise<JobResult[Job.Echo]> {
    if (delayMs > 0) await new Promise((r) => setTimeout(r, Math.min(delayMs, 10_000)));
    return { message, pid: process.pid, at: new Date().toISOString() };
  }
}
