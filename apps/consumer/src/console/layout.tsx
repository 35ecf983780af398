
/**
 * htmx settings: no history snapshots (they would keep message bodies in localStorage; a back
 * navigation reloads instead), no eval, requests to this origin only, no injected style element
 * (the CSP allows styles from 'self' only).
 */
const HTMX_CONFIG = JSON.stringify({
  historyCacheSize: 0,
  refreshOnHistoryMiss: true,
  allowEval: false,
  allowScriptTags: false,
  selfRequestsOnly: true,
  includeIndicatorStyles: false,
  // Every element says its own target and swap: an inherited outerHTML swap once replaced #main itself.
  disableInheritance: true,
});

/** The page every `/console` URL serves: the login form and an empty frame; data comes in fragments once logged in. */
export function Shell() {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="htmx-config" content={HTMX_CONFIG} />
        <title>mq consumer console</title>
        <link rel="icon" href="/console/assets/favicon.svg" type="image/svg+xml" />
        <link rel="stylesheet" href="/console/assets/console.css" />
        <script src="/console/assets/htmx.min.js"></script>
        <script src="/console/assets/console.js"></script>
      </head>
      <body hx-history="false">
        <header>
          <h1>mq consumer console</h1>
          <nav aria-label="Main">
            <a href="/console/subscriptions" hx-get="/console/ui/subscriptions" hx-target="#main" hx-push-url="/console/subscriptions">
              Subscriptions
            </a>
          </nav>
          <p id="connection-error" class="error" role="alert"></p>
          <button id="logout" type="button" class="secondary">Log out</button>
        </header>
        <section id="login" hidden aria-labelledby="login-title">
          <h2 id="login-title">Log in</h2>
          <form id="login-form">
            <label for="token">Admin token</label>
            <input id="token" name="token" type="password" autocomplete="off" size={40} />
            <button type="submit">Log in</button>
          </form>
          <p id="login-error" class="error" role="alert"></p>
          <p class="muted">
            The token is kept in this tab's session storage and sent as a bearer header; it is never put in a URL or a cookie.
          </p>
        </section>
        <div id="app" hidden>
          <main id="main"></main>
        </div>
      </body>
    </html>
  );
}
