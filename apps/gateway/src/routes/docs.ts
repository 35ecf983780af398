import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { OpenAPIHono } from '@hono/zod-openapi';
import { pageSecurityHeaders } from '@mq/auth';
import type { GatewayEnv } from './context.js';

/**
 * Swagger UI's files, served by the gateway itself so `/docs` works without internet access
 * (a CDN-hosted UI shows a blank page in an air-gapped network). Only these names are served:
 * the route never maps a request path onto the file system.
 */
const ASSETS: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
};

/**
 * Relative URLs, so the page also works behind a reverse proxy that adds a path prefix:
 * from `/docs` they resolve to `/docs/assets/...` and `/openapi.json`.
 */
const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>mq gateway API</title>
<link rel="stylesheet" href="docs/assets/swagger-ui.css">
</head>
<body>
<div id="swagger-ui"></div>
<script src="docs/assets/swagger-ui-bundle.js"></script>
<script src="docs/assets/init.js"></script>
</body>
</html>
`;

/**
 * Swagger UI's start-up, a file rather than an inline script so the page's CSP can forbid inline
 * scripts. `openapi.json` resolves against the page (`/docs`), so a path prefix still works.
 * validatorUrl null: Swagger UI would otherwise load a badge from validator.swagger.io.
 */
const INIT_SCRIPT = `window.ui = SwaggerUIBundle({ url: 'openapi.json', dom_id: '#swagger-ui', validatorUrl: null, deepLinking: true });\n`;

const distDir = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));

/** Reads each asset once, on its first request: boot stays fast and memory is spent only if used. */
function assetLoader(): (name: string) => Promise<Buffer> {
  const cache = new Map<string, Promise<Buffer>>();
  return (name) => {
    let file = cache.get(name);
    if (!file) {
      file = readFile(join(distDir, name));
      file.catch(() => cache.delete(name)); // a failed read is retried by the next request
      cache.set(name, file);
    }
    return file;
  };
}

/** `GET /docs` (Swagger UI rendering `/openapi.json`) and its assets under `/docs/assets/`. */
export function registerDocsRoutes(app: OpenAPIHono<GatewayEnv>): void {
  const load = assetLoader();
  const headers = pageSecurityHeaders();
  app.use('/docs', headers);
  app.use('/docs/*', headers);
  app.get('/docs', (c) => c.html(PAGE));
  // One route for every asset, init.js included: a static path beside `:name` would make Hono's
  // SmartRouter fall back from its RegExpRouter to the TrieRouter for every route, the publish
  // routes too (about 3 µs per request in `npm run bench`).
  app.get('/docs/assets/:name', async (c) => {
    const name = c.req.param('name');
    if (name === 'init.js') return c.body(INIT_SCRIPT, 200, { 'content-type': ASSETS['swagger-ui-bundle.js']!, 'cache-control': 'no-cache' });
    const contentType = ASSETS[name];
    if (contentType === undefined) return c.notFound();
    const body = await load(name);
    return c.body(new Uint8Array(body), 200, {
      'content-type': contentType,
      // The files change only with the swagger-ui-dist version, i.e. with a new gateway build.
      'cache-control': 'public, max-age=3600',
    });
  });
}
