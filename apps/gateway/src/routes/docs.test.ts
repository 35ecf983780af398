import { describe, expect, it } from 'vitest';
import { createHarness } from '../test-fixtures.js';

/** The `src`/`href` URLs of a page's scripts and stylesheets, as written. */
function assetUrls(html: string): string[] {
  return [...html.matchAll(/<(?:script|link)\b[^>]*?\b(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
}

describe('/docs', () => {
  it('keeps every route within what Hono\'s RegExpRouter supports (the TrieRouter fallback costs every request)', async () => {
    const h = createHarness();
    await h.request('/livez');
    expect(h.app.router.name).toBe('SmartRouter + RegExpRouter');
  });

  it('serves a page that loads only the gateway\'s own assets and renders /openapi.json', async () => {
    const h = createHarness();
    const res = await h.request('/docs');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await res.text();
    const urls = assetUrls(html);
    expect(urls.sort()).toEqual(['docs/assets/init.js', 'docs/assets/swagger-ui-bundle.js', 'docs/assets/swagger-ui.css']);
    expect(await (await h.request('/docs/assets/init.js')).text()).toContain("url: 'openapi.json'");
    // Nothing the browser would fetch from another host (no CDN, no validator badge).
    expect(html).not.toMatch(/https?:\/\/|src="\/\//);
  });

  it('serves each asset with its content type, resolved the way a browser resolves them from /docs', async () => {
    const h = createHarness();
    const html = await (await h.request('/docs')).text();
    const expected: Record<string, RegExp> = { js: /^text\/javascript/, css: /^text\/css/ };
    for (const url of assetUrls(html)) {
      const path = new URL(url, 'http://gateway.test/docs').pathname;
      const res = await h.request(path);
      expect(res.status, path).toBe(200);
      expect(res.headers.get('content-type'), path).toMatch(expected[url.split('.').pop()!]!);
      expect((await res.arrayBuffer()).byteLength, path).toBeGreaterThan(url.endsWith('init.js') ? 50 : 10_000);
    }
    const bundle = await (await h.request('/docs/assets/swagger-ui-bundle.js')).text();
    expect(bundle).toContain('SwaggerUIBundle');
    const spec = await h.request(new URL('openapi.json', 'http://gateway.test/docs').pathname);
    expect(spec.status).toBe(200);
  });

  it('serves only its listed files: other names and path tricks are 404', async () => {
    const h = createHarness();
    for (const path of ['/docs/assets/package.json', '/docs/assets/index.html', '/docs/assets/..%2Fpackage.json', '/docs/assets/%2e%2e%2fREADME.md']) {
      expect((await h.request(path)).status, path).toBe(404);
    }
  });

  it('sends security headers: a CSP that allows only its own origin and no inline scripts, no framing', async () => {
    const h = createHarness();
    const res = await h.request('/docs');
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'self'");
    expect(csp).toMatch(/script-src 'self'(;|$)/);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).toContain("connect-src 'self'");
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    // Under that CSP an inline script would not run: the page has none.
    expect(await res.text()).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    for (const asset of ['/docs/assets/init.js', '/docs/assets/swagger-ui.css']) {
      expect((await h.request(asset)).headers.get('x-content-type-options'), asset).toBe('nosniff');
    }
  });
});
