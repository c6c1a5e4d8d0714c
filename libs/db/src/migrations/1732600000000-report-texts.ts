import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';

/** The unit's own words for the year-end documents: 实际完成情况 of the goal and the narrative report's sections. */
export class ReportTexts1732600000000 implements MigrationInterface {
  name = 'ReportTexts1732600000000';

  async up(qr: QueryRunner): Promise<void> {
    await qr.addColumns('self_evaluation', [
      new TableColumn({ name: 'goal_actual', type: 'text', isNullable: true }),
      new TableColumn({ name: 'report_texts', type: 'text', isNullable: true }),
    ]);
  }

  async down(qr: QueryRunner): Promise<void> {
    await qr.dropColumn('self_evaluation', 'report_texts');
    await qr.dropColumn('self_evaluation', 'goal_actual');
  }
}
