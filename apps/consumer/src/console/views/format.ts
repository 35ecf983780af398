/** Small formatting helpers shared by the console's views. */
export const count = (n: number | null | undefined): string => (n === null || n === undefined ? '–' : n.toLocaleString('en-US'));

/** `2026-12-07 05:31:10Z`: ISO, readable, unambiguous. */
export const time = (iso: string): string => (iso.startsWith('1970-') ? '–' : iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z'));

export const plural = (n: number, one: string, many = `${one}s`): string => `${count(n)} ${n === 1 ? one : many}`;

export const delay = (ms: number): string => (ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`);

/** The fragment and page URLs of a subscription's views; ids and reasons are URL-encoded. */
export const urls = {
  parked: (name: string, query: { reason?: string; offset?: number } = {}) => {
    const params = new URLSearchParams();
    if (query.reason !== undefined) params.set('reason', query.reason);
    if (query.offset) params.set('offset', String(query.offset));
    const search = params.size > 0 ? `?${params.toString()}` : '';
    return { page: `/console/s/${encodeURIComponent(name)}${search}`, ui: `/console/ui/s/${encodeURIComponent(name)}${search}` };
  },
  message: (name: string, id: string) => {
    const path = `/s/${encodeURIComponent(name)}/m/${encodeURIComponent(id)}`;
    return { page: `/console${path}`, ui: `/console/ui${path}` };
  },
};
