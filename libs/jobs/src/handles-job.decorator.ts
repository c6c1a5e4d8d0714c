import { SetMetadata } from '@nestjs/common';
import type { Job } from './job-registry';

export const HANDLES_JOB = Symbol('HANDLES_JOB');

/** Marks a provider method as the one handler of a job; the worker refuses to boot without one per Job. */
export const HandlesJob = (job: Job) => SetMetadata(HANDLES_JOB, job);

/**
 * What a handler returns: its result, or 'skipped' when there is nothing to do (row gone, already
 * at this data version). Transient failures throw an Error (retried with backoff); permanent ones
 * throw bullmq's UnrecoverableError.
 */
export type JobOutcome<T> = T | 'skipped';
