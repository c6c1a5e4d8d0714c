import type { NestExpressApplication } from '@nestjs/platform-express';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { RequestMethod } from '@nestjs/common';
import { ACCESS, AccessPolicy } from '../../apps/api/src/auth/access.decorators';

export interface Route {
  method: string;
  path: string;
  policy: AccessPolicy;
}

/** Every route from the controllers' metadata: a new route joins the access matrix and the OpenAPI check by itself. */
export function routesOf(app: NestExpressApplication): Route[] {
  const discovery = app.get(DiscoveryService);
  const reflector = app.get(Reflector);
  const scanner = app.get(MetadataScanner);
  const out: Route[] = [];
  for (const wrapper of discovery.getControllers()) {
    const proto = Object.getPrototypeOf(wrapper.instance);
    const base = String(reflector.get(PATH_METADATA, wrapper.metatype as object as Function) ?? '');
    for (const name of scanner.getAllMethodNames(proto)) {
      const handler = proto[name];
      const method = reflector.get(METHOD_METADATA, handler) as RequestMethod | undefined;
      if (method === undefined) continue;
      const sub = String(reflector.get(PATH_METADATA, handler) ?? '');
      const path = `/${[base, sub].filter((p) => p && p !== '/').join('/')}`.replace(/\/+/g, '/');
      out.push({ method: RequestMethod[method], path, policy: reflector.get(ACCESS, handler) });
    }
  }
  return out;
}
