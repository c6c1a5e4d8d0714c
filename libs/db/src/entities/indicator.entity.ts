import { Column, Entity, Index, JoinColumn, ManyToOne } from 'typeorm';
import { WithUuid } from './with-uuid';
import { decimalString } from '../decimal.transformer';
import { TargetSheetEntity } from './target-sheet.entity';

/** One 三级 indicator of one sheet version. */
@Entity('indicator')
@Index('ix_indicator_sheet', ['sheetId', 'position'])
export class IndicatorEntity extends WithUuid {
  @Column({ type: 'varchar', length: 36, name: 'sheet_id' }) sheetId!: string;
  @ManyToOne(() => TargetSheetEntity, (s) => s.indicators, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'sheet_id' })
  sheet?: TargetSheetEntity;
  @Column({ type: 'integer' }) position!: number;
  @Column({ type: 'varchar', length: 50 }) level1!: string;
  @Column({ type: 'varchar', length: 50 }) level2!: string;
  @Column({ type: 'text' }) name!: string;
  @Column({ type: 'text', nullable: true }) description!: string | null;
  @Column({ type: 'text', nullable: true }) basis!: string | null;
  @Column({ type: 'text', nullable: true }) standard!: string | null;
  @Column({ type: 'text', name: 'target_raw' }) targetRaw!: string;
  @Column({ type: 'varchar', length: 16, name: 'target_kind' }) targetKind!:
    'quantitative' | 'qualitative' | 'date' | 'period';
  @Column({ type: 'varchar', length: 2, nullable: true, name: 'target_op' }) targetOp!: string | null;
  @Column({
    type: 'decimal',
    precision: 20,
    scale: 6,
    nullable: true,
    name: 'target_value',
    transformer: decimalString,
  })
  targetValue!: string | null;
  @Column({ type: 'varchar', length: 20, nullable: true, name: 'target_unit' }) targetUnit!: string | null;
  @Column({ type: 'text', nullable: true, name: 'target_text' }) targetText!: string | null;
  @Column({ type: 'decimal', precision: 9, scale: 4, nullable: true, transformer: decimalString }) weight!:
    string | null;
}
