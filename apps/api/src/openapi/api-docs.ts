import * as path from 'node:path';
import { Controller, Get, Injectable, Param, Res } from '@nestjs/common';
import type { INestApplication } from '@nestjs/common';
import { ApiExcludeController, DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import type { Response } from 'express';
import { DomainError } from '@selfeval/domain';
import { Allow } from '../auth/access.decorators';

export const API_DOCS_PATH = '/api/docs';

/** The OpenAPI document of the running app, built once from the controllers' decorators at start-up. */
@Injectable()
export class ApiDocs {
  private document: OpenAPIObject | null = null;

  publish(app: INestApplication): void {
    const config = new DocumentBuilder()
      .setTitle('绩效自评 selfeval API')
      .setDescription(
        [
          '预算单位年度绩效自评工作流的 JSON 接口。',
          '认证：先 `GET /api/auth/session` 取 `csrfToken`，再 `POST /api/auth/login`；之后每个请求带会话 Cookie，',
          '改变数据的请求（POST、PUT、PATCH、DELETE）另带请求头 `X-CSRF-Token`。',
          '出错时一律返回 `ErrorResponseDto`：`code` 为错误代码，`message` 为中文说明并指出字段、行或单元格。',
          '金额单位为万元，以十进制字符串传递（如 `"123.45"`），不用浮点数。',
        ].join('\n\n'),
      )
      .setVersion('1')
      .addCookieAuth('selfeval.sid')
      .build();
    this.document = SwaggerModule.createDocument(app, config);
  }

  get(): OpenAPIObject {
    if (!this.document) throw new Error('internal: the OpenAPI document was not published at start-up');
    return this.document;
  }
}

// swagger-ui-dist comes with @nestjs/swagger (its own dependency, the version it was built for)
const SWAGGER_UI_DIR = path.dirname(
  require.resolve('swagger-ui-dist/package.json', { paths: [path.dirname(require.resolve('@nestjs/swagger'))] }),
);
/** The only files of swagger-ui-dist the page loads. */
const ASSETS: Record<string, string> = {
  'swagger-ui.css': 'text/css',
  'swagger-ui-bundle.js': 'application/javascript',
};

const PAGE = `<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>接口文档 - 绩效自评</title>
<link rel="stylesheet" href="${API_DOCS_PATH}/assets/swagger-ui.css">
</head>
<body>
<main id="swagger-ui" aria-label="接口文档"></main>
<script src="${API_DOCS_PATH}/assets/swagger-ui-bundle.js"></script>
<script src="${API_DOCS_PATH}/init.js"></script>
</body>
</html>
`;

// no inline script (the CSP forbids it): "Try it out" requests carry the session's CSRF token
const INIT = `(async function () {
  var session = await fetch('/api/auth/session', { credentials: 'same-origin' }).then(function (r) { return r.json(); });
  window.ui = SwaggerUIBundle({
    url: '${API_DOCS_PATH}.json',
    dom_id: '#swagger-ui',
    deepLinking: true,
    presets: [SwaggerUIBundle.presets.apis],
    layout: 'BaseLayout',
    requestInterceptor: function (req) {
      if (session && session.csrfToken) req.headers['X-CSRF-Token'] = session.csrfToken;
      return req;
    },
  });
})();
`;

/**
 * The OpenAPI document (/api/docs.json) and Swagger UI (/api/docs), for administrators only: the
 * document lists every route and field, which is no secret but no business of other roles either.
 */
@ApiExcludeController()
@Controller('api')
export class ApiDocsController {
  constructor(private readonly docs: ApiDocs) {}

  @Get('docs.json')
  @Allow('system.read')
  json() {
    return this.docs.get();
  }

  @Get('docs')
  @Allow('system.read')
  page(@Res() res: Response) {
    // the app's strict CSP holds here too: Swagger UI's scripts and styles are files on this origin,
    // started by init.js (no inline script), and it sets styles through the DOM, which the CSP allows
    res.type('html').send(PAGE);
  }

  @Get('docs/init.js')
  @Allow('system.read')
  init(@Res() res: Response) {
    res.type('application/javascript').send(INIT);
  }

  @Get('docs/assets/:file')
  @Allow('system.read')
  asset(@Param('file') file: string, @Res() res: Response) {
    const type = Object.hasOwn(ASSETS, file) ? ASSETS[file] : undefined;
    if (!type) throw new DomainError('NOT_FOUND', `接口文档没有文件“${file}”`, { field: 'file' });
    res.type(type).sendFile(path.join(SWAGGER_UI_DIR, file));
  }
}
