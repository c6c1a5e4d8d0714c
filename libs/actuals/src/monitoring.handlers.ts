import { Injectable } from '@nestjs/common';
import { UnrecoverableError } from 'bullmq';
import { HandlesJob, Job, JobPayload } from '@selfeval/jobs';
import { MonitoringService } from './monitoring.service';

@Injectable()
export class MonitoringHandlers {
  constructor(private readonly monitoring: MonitoringService) {}

  @HandlesJob(Job.ComputeMonitoring)
  async computeMonitoring(data: JobPayload[Job.ComputeMonitoring]): Promise<'done' | 'skipped'> {
    if (typeof data?.reportId !== 'string' || !Number.isInteger(data?.dataVersion)) {
      throw new UnrecoverableError(`malformed payload: ${JSON.stringify(data)}`);
    }
    return this.monitoring.computeMonitoring(data.reportId, data.dataVersion);
  }
}
