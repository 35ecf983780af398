/**
 * Durations as the HTTP API and the config file write them: whole seconds (`900`) or an ISO-8601
 * duration of weeks, days, hours, minutes and seconds (`PT15M`, `P1DT2H`, `PT1.5S`). Years and
 * months are refused: their length depends on the calendar, and a delay must mean one instant.
 * A strict regex rather than a library: the grammar is this small, and a library would accept
 * more (years, months, signs) only for us to reject it again.
 */
const SECONDS = /^\d{1,12}$/;
const ISO = /^P(?:(\d{1,9})W)?(?:(\d{1,9})D)?(?:T(?:(\d{1,9})H)?(?:(\d{1,9})M)?(?:(\d{1,12})(?:[.,](\d{1,3}))?S)?)?$/i;

const MS = { week: 604_800_000, day: 86_400_000, hour: 3_600_000, minute: 60_000, second: 1000 };

/** Milliseconds of a duration, or `undefined` when it is not one (negative values are not). */
export function parseDuration(text: string): number | undefined {
  const value = text.trim();
  if (SECONDS.test(value)) return Number(value) * MS.second;
  const match = ISO.exec(value);
  // "P" and "PT" alone match the regex with every part empty; a duration needs at least one.
  if (!match || value.length <= 1 || /T$/i.test(value)) return undefined;
  const [, w, d, h, m, s, fraction] = match;
  const n = (part: string | undefined) => (part === undefined ? 0 : Number(part));
  const millis = fraction === undefined ? 0 : Number(fraction.padEnd(3, '0'));
  return n(w) * MS.week + n(d) * MS.day + n(h) * MS.hour + n(m) * MS.minute + n(s) * MS.second + millis;
}

/** RFC 3339 date-time (`2026-12-07T09:00:00Z`, `…+01:00`, fractions allowed); `Date.parse` alone accepts far more. */
const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:[Zz]|[+-]\d{2}:\d{2})$/;

/** The instant of an RFC 3339 date-time, or `undefined` when it is not one. */
export function parseRfc3339(text: string): Date | undefined {
  const value = text.trim();
  if (!RFC3339.test(value)) return undefined;
  const time = Date.parse(value.replace(' ', 'T'));
  return Number.isNaN(time) ? undefined : new Date(time);
}
