import type { MiddlewareHandler } from 'hono';
import { secureHeaders } from 'hono/secure-headers';

/**
 * Security headers for the HTML pages the apps serve themselves (the gateway's `/docs`, the
 * consumer's console): hono's secure-headers with a Content-Security-Policy that allows only the
 * page's own origin. Scripts must be files (no inline `<script>`, no eval); inline styles stay
 * allowed because Swagger UI (and most UI kits) set `style` attributes; images and fonts may be
 * `data:` URIs (Swagger UI's icons). Nothing may load from another host, so a page that works
 * under this policy also works offline. Framing is refused (clickjacking).
 */
export function pageSecurityHeaders(): MiddlewareHandler {
  return secureHeaders({
    contentSecurityPolicy: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'"],
      styleSrc: ["'self'", "'unsafe-inline'"],
      imgSrc: ["'self'", 'data:'],
      fontSrc: ["'self'", 'data:'],
      connectSrc: ["'self'"],
      objectSrc: ["'none'"],
      baseUri: ["'self'"],
      formAction: ["'self'"],
      frameAncestors: ["'none'"],
    },
    xFrameOptions: 'DENY',
    referrerPolicy: 'no-referrer',
    crossOriginResourcePolicy: 'same-origin',
    crossOriginOpenerPolicy: 'same-origin',
    // HSTS belongs to whatever terminates TLS in front of the app, not to a plain-HTTP listener.
    strictTransportSecurity: false,
  });
}
