import { applyDecorators, HttpStatus } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional, ApiResponse } from '@nestjs/swagger';
import type { DomainErrorCode } from '@selfeval/domain';
import { STATUS } from '../http/domain-error.filter';

class ErrorLocationDto {
  @ApiPropertyOptional({ description: '出错的文件名', example: '绩效目标表.xlsx' }) file?: string;
  @ApiPropertyOptional({ description: '出错的工作表', example: '项目支出' }) sheet?: string;
  @ApiPropertyOptional({ description: '出错的行号（从 1 起）', example: 7 }) row?: number;
  @ApiPropertyOptional({ description: '出错的单元格', example: 'D7' }) cell?: string;
  @ApiPropertyOptional({ description: '出错的字段', example: 'values[2].value' }) field?: string;
}

class ErrorDetailDto {
  @ApiProperty({ description: '字段', example: 'spending[0].amount' }) field!: string;
  @ApiProperty({ description: '该字段的问题（中文）', example: '字段“spending[0].amount”格式不正确' })
  message!: string;
}

/** The JSON every /api route answers an error with (DomainErrorFilter.sendError). */
export class ErrorResponseDto {
  @ApiProperty({ description: '错误代码', enum: Object.keys(STATUS), example: 'VALIDATION_FAILED' })
  code!: DomainErrorCode;
  @ApiProperty({
    description: '给用户看的中文说明，指出文件、工作表、行、单元格或字段',
    example: '字段“reason”格式不正确',
  })
  message!: string;
  @ApiProperty({ description: '出错的位置', type: ErrorLocationDto }) where!: ErrorLocationDto;
  @ApiProperty({ description: '发现的每个问题（不止一个时）', type: [ErrorDetailDto] }) details!: ErrorDetailDto[];
}

/** What each status means to a caller, in the words of the filter's codes. */
const MEANING: Partial<Record<number, string>> = {
  [HttpStatus.UNAUTHORIZED]: '未登录或会话已失效（UNAUTHENTICATED）',
  [HttpStatus.FORBIDDEN]: '角色无此权限、须先修改初始密码，或 CSRF 校验失败（FORBIDDEN、CSRF_FAILED）',
  [HttpStatus.NOT_FOUND]: '内容不存在，或属于您无权查看的单位（NOT_FOUND）',
  [HttpStatus.CONFLICT]: '状态已变化、已锁定或填报期已关闭（CONFLICT、WORKFLOW_STATE、SHEET_LOCKED、PERIOD_CLOSED）',
  [HttpStatus.PAYLOAD_TOO_LARGE]: '上传的文件超过大小上限（FILE_TOO_LARGE）',
  [HttpStatus.UNSUPPORTED_MEDIA_TYPE]: '不支持的文件格式（FILE_FORMAT_UNSUPPORTED）',
  [HttpStatus.UNPROCESSABLE_ENTITY]: '请求内容有误，message 指出字段、行或单元格（VALIDATION_FAILED 等）',
  [HttpStatus.TOO_MANY_REQUESTS]: '尝试次数过多，请稍后再试（RATE_LIMITED）',
  [HttpStatus.SERVICE_UNAVAILABLE]: '数据库暂时无法连接，请稍后重试（UNAVAILABLE）',
};

/** The error answers of a route (or of every route of a controller), all in the ErrorResponseDto shape. */
export const ApiErrors = (...statuses: HttpStatus[]) =>
  applyDecorators(
    ...statuses.map((status) =>
      ApiResponse({ status, description: MEANING[status] ?? '错误', type: ErrorResponseDto }),
    ),
  );

/** Every signed-in route can answer these. */
export const ApiSignedInErrors = () =>
  ApiErrors(
    HttpStatus.UNAUTHORIZED,
    HttpStatus.FORBIDDEN,
    HttpStatus.UNPROCESSABLE_ENTITY,
    HttpStatus.SERVICE_UNAVAILABLE,
  );
