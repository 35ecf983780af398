import type { Context } from 'hono';

/** The admin API, called in-process (`app.request`) with the request's env (its connection). */
export type AdminApi = (path: string, init: RequestInit, env: unknown) => Response | Promise<Response>;

/** An admin API answer: its JSON body, or the problem it answered with. */
export type ApiResult<T> = { ok: true; status: number; body: T } | { ok: false; status: number; code: string; detail: string };

/**
 * Calls the admin API as the operator: the console forwards their Authorization header and
 * nothing else, so it can see and do exactly what the token allows.
 */
export async function callAdmin<T>(api: AdminApi, c: Context, path: string, init: { method?: string; body?: unknown } = {}): Promise<ApiResult<T>> {
  const headers: Record<string, string> = {};
  const authorization = c.req.header('authorization');
  if (authorization) headers.authorization = authorization;
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  const response = await api(path, { method: init.method ?? 'GET', headers, body: init.body === undefined ? undefined : JSON.stringify(init.body) }, c.env);
  const json = (await response.json().catch(() => ({}))) as Record<string, unknown>;
  if (response.ok) return { ok: true, status: response.status, body: json as T };
  return {
    ok: false,
    status: response.status,
    code: typeof json.code === 'string' ? json.code : 'ERROR',
    detail: typeof json.detail === 'string' ? json.detail : response.statusText,
  };
}
