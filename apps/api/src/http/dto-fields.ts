import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional, ApiPropertyOptions } from '@nestjs/swagger';
import { IsInt, IsOptional, Min } from 'class-validator';

/** A number sent as JSON number or string, read as the decimal string the services take. */
export const asString = ({ value }: { value: unknown }) => (typeof value === 'number' ? String(value) : value);

/** The optional `version` a client read (or If-Match instead): a whole number ≥ 0; a stale one answers 409. */
export const VersionField = (doc: ApiPropertyOptions) =>
  applyDecorators(ApiPropertyOptional(doc), IsOptional(), IsInt(), Min(0));
