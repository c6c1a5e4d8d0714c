import { InitialSchema1732000000000 } from './1732000000000-initial-schema';
import { Actuals1732100000000 } from './1732100000000-actuals';
import { Evidence1732200000000 } from './1732200000000-evidence';
import { Mail1732300000000 } from './1732300000000-mail';
import { Evaluation1732400000000 } from './1732400000000-evaluation';
import { ReportFile1732500000000 } from './1732500000000-report-file';
import { ReportTexts1732600000000 } from './1732600000000-report-texts';
import { Accounts1732700000000 } from './1732700000000-accounts';
import { SessionsExactDecimals1732800000000 } from './1732800000000-sessions-exact-decimals';
import { UnitWebhook1732950000000 } from './1732950000000-unit-webhook';
import { UnitProfile1733100000000 } from './1733100000000-unit-profile';
import { ReportDelivery1733300000000 } from './1733300000000-report-delivery';
import { ReportAttachments1733400000000 } from './1733400000000-report-attachments';
import { MailLease1733500000000 } from './1733500000000-mail-lease';

/** Listed by hand, oldest first: ts-jest and the compiled app load the same list (no dist globs). */
export const MIGRATIONS = [
  InitialSchema1732000000000,
  Actuals1732100000000,
  Evidence1732200000000,
  Mail1732300000000,
  Evaluation1732400000000,
  ReportFile1732500000000,
  ReportTexts1732600000000,
  Accounts1732700000000,
  SessionsExactDecimals1732800000000,
  UnitWebhook1732950000000,
  UnitProfile1733100000000,
  ReportDelivery1733300000000,
  ReportAttachments1733400000000,
  MailLease1733500000000,
];
