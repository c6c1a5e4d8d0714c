/**
 * Thrown by a handler whose work another process holds for now (a mail it is sending): the runner puts the job back
 * as delayed until `at`, without using up one of its attempts, instead of running the work twice at once.
 */
export class RetryLater extends Error {
  constructor(
    message: string,
    readonly at: Date,
  ) {
    super(message);
    this.name = 'RetryLater';
  }
}
