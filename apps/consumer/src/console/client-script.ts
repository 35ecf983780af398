/**
 * The console's only script besides htmx, served as `/console/assets/console.js` (a file, not
 * inline: the CSP allows scripts from 'self' only). It keeps the admin token in sessionStorage
 * (gone when the tab closes, never in a URL or a cookie), adds it to every htmx request as
 * `Authorization: Bearer`, and shows the login form again when the API answers 401 or 403.
 */
export const CLIENT_SCRIPT = String.raw`(() => {
  'use strict';
  const KEY = 'mq-console-token';
  const $ = (id) => document.getElementById(id);
  const fragmentUrl = () => '/console/ui' + (location.pathname.replace(/^\/console\/?/, '/').replace(/^\/$/, '/subscriptions')) + location.search;
  const headers = (token) => (token ? { Authorization: 'Bearer ' + token } : {});

  function showLogin(message) {
    $('app').hidden = true;
    $('login').hidden = false;
    $('login-error').textContent = message || '';
    $('token').focus();
  }

  function showApp() {
    $('login').hidden = true;
    $('app').hidden = false;
    htmx.ajax('GET', fragmentUrl(), { target: '#main', swap: 'innerHTML' });
  }

  document.addEventListener('htmx:configRequest', (event) => {
    const token = sessionStorage.getItem(KEY);
    if (token) event.detail.headers.Authorization = 'Bearer ' + token;
  });

  document.addEventListener('htmx:beforeSwap', (event) => {
    const status = event.detail.xhr.status;
    if (status === 401 || status === 403) {
      event.detail.shouldSwap = false;
      sessionStorage.removeItem(KEY);
      showLogin(status === 401 ? 'The token was refused (401): it is not a known admin token.' : 'This token has no admin rights (403).');
    } else if (status >= 400) {
      // The console's fragments render problems themselves (404 not parked, 409 count changed, 503).
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  document.addEventListener('htmx:sendError', () => {
    $('connection-error').textContent = 'The consumer does not answer; retrying on the next refresh.';
  });
  document.addEventListener('htmx:afterRequest', (event) => {
    if (event.detail.successful) $('connection-error').textContent = '';
  });

  document.addEventListener('DOMContentLoaded', () => {
    $('login-form').addEventListener('submit', async (event) => {
      event.preventDefault();
      const token = $('token').value.trim();
      const answer = await fetch('/console/ui/check', { headers: headers(token) }).catch(() => undefined);
      if (!answer) return showLogin('The consumer does not answer.');
      if (answer.status === 401) return showLogin('The token was refused (401): it is not a known admin token.');
      if (answer.status === 403) return showLogin('Refused (403): ' + (await answer.text()));
      if (!answer.ok) return showLogin('Login failed: HTTP ' + answer.status);
      sessionStorage.setItem(KEY, token);
      $('token').value = '';
      showApp();
    });
    $('logout').addEventListener('click', () => {
      sessionStorage.removeItem(KEY);
      showLogin('Logged out.');
    });
    if (sessionStorage.getItem(KEY) !== null) showApp();
    else showLogin('');
  });
})();
`;
