import { Headers } from '@nestjs/common';
import { ApiHeader } from '@nestjs/swagger';
import { DomainError } from '@selfeval/domain';

/**
 * The version the client read, from the JSON body's `version` or an `If-Match` header (`"3"`, `W/"3"`
 * or `3`); undefined when the client sent neither. The services refuse a stale one with 409.
 */
export function expectedVersion(bodyVersion: number | undefined, ifMatch: string | undefined): number | undefined {
  if (ifMatch === undefined || ifMatch.trim() === '') return bodyVersion;
  const m = /^\s*(?:W\/)?"?(\d{1,9})"?\s*$/.exec(ifMatch);
  if (!m)
    throw new DomainError('VALIDATION_FAILED', `If-Match“${ifMatch}”应为读取时的版本号，如 "3"`, { field: 'If-Match' });
  const version = Number(m[1]);
  if (bodyVersion !== undefined && bodyVersion !== version)
    throw new DomainError('VALIDATION_FAILED', `请求体的 version ${bodyVersion} 与 If-Match ${version} 不一致`, {
      field: 'version',
    });
  return version;
}

/**
 * The `If-Match` header of a write route (read by expectedVersion), as an alternative to the body's version; it is
 * also documented on the route, so a route that reads it always says so.
 */
export const IfMatch = (): ParameterDecorator => (target, key, index) => {
  Headers('if-match')(target, key, index);
  const route = key === undefined ? undefined : Object.getOwnPropertyDescriptor(target, key);
  if (key === undefined || !route) throw new Error('IfMatch() goes on a route parameter');
  ApiHeader({
    name: 'If-Match',
    required: false,
    description: '读取时的 dataVersion，如 "3"；与请求体 version 二选一',
  })(target, key, route);
};
