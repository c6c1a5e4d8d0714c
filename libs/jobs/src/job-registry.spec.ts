import { ALL_QUEUES, Job, jobId, jobsOfQueue, QUEUE_OF } from './job-registry';

describe('job registry', () => {
  it('gives every job a queue and every queue at least one job', () => {
    for (const job of Object.values(Job)) expect(ALL_QUEUES).toContain(QUEUE_OF[job]);
    for (const queue of ALL_QUEUES) expect(jobsOfQueue(queue).length).toBeGreaterThan(0);
  });

  it('builds ids BullMQ accepts: no colon, never all digits', () => {
    const id = jobId(Job.Echo, 'a:b', 42, '7f3e-uuid');
    expect(id).toBe('echo-a_b-42-7f3e-uuid');
    expect(id).not.toMatch(/:/);
    expect(jobId(Job.Echo, 123)).not.toMatch(/^\d+$/);
  });
});
