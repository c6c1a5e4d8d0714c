import * as path from 'node:path';
import type { Provider } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@selfeval/config';
import { ContentStore } from './content-store';

/** The time as the services see it: injected, so tests can move it and every service agrees. */
export type Clock = () => Date;
export const CLOCK = Symbol('CLOCK');
/** 佐证材料 under DATA_DIR/evidence */
export const EVIDENCE_STORE = Symbol('EVIDENCE_STORE');
/** rendered PDFs under DATA_DIR/reports */
export const REPORT_STORE = Symbol('REPORT_STORE');

export const systemClock: Clock = () => new Date();

export const STORE_PROVIDERS: Provider[] = [
  { provide: CLOCK, useValue: systemClock },
  {
    provide: EVIDENCE_STORE,
    inject: [APP_CONFIG],
    useFactory: (config: AppConfig) => new ContentStore(path.join(config.dataDir, 'evidence')),
  },
  {
    provide: REPORT_STORE,
    inject: [APP_CONFIG],
    useFactory: (config: AppConfig) => new ContentStore(path.join(config.dataDir, 'reports')),
  },
];
