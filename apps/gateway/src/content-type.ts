import { ProblemError } from './errors.js';
import type { Topic } from './topics.js';

const DEFAULT_CONTENT_TYPE = 'application/octet-stream';
// type/subtype with optional parameters, printable ASCII only: it becomes an AMQP shortstr.
const MEDIA_TYPE = /^([A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126})\/([A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126})\s*(;[\x20-\x7e]*)?$/;

/** True for `application/json` and any `+json` structured syntax. */
export function isJson(mediaType: string): boolean {
  return mediaType === 'application/json' || mediaType.endsWith('+json');
}

function matches(mediaType: string, pattern: string): boolean {
  const p = pattern.toLowerCase();
  return p.endsWith('*') ? mediaType.startsWith(p.slice(0, -1)) : mediaType === p;
}

/** The content type as published and its bare, lower-cased media type. */
export interface ResolvedContentType {
  header: string;
  mediaType: string;
}

/**
 * Checks a request's `Content-Type` against the topic: well-formed, in `contentTypes` when the
 * topic lists them, and JSON when the topic has a schema (otherwise a schema could be bypassed).
 */
export function resolveContentType(topic: Topic, header: string | undefined): ResolvedContentType {
  const value = header?.trim() || DEFAULT_CONTENT_TYPE;
  const parsed = value.length <= 255 ? MEDIA_TYPE.exec(value) : null;
  if (!parsed) throw new ProblemError(415, 'UNSUPPORTED_CONTENT_TYPE', 'the Content-Type header is not a valid media type');
  const mediaType = `${parsed[1]}/${parsed[2]}`.toLowerCase();
  if (topic.contentTypes && !topic.contentTypes.some((p) => matches(mediaType, p))) {
    throw new ProblemError(415, 'UNSUPPORTED_CONTENT_TYPE', `topic "${topic.name}" accepts ${topic.contentTypes.join(', ')}`);
  }
  if (topic.validate && !isJson(mediaType)) {
    throw new ProblemError(415, 'UNSUPPORTED_CONTENT_TYPE', `topic "${topic.name}" has a JSON Schema: send application/json`);
  }
  return { header: value, mediaType };
}

/** Distinct Content-Type values remembered per topic; a client sending ever new ones only resets it. */
const MAX_REMEMBERED = 64;

/**
 * {@link resolveContentType} that remembers what each topic accepted: clients send a handful of
 * distinct values, and the parse (a regular expression, lower-casing, a new object) ran for every
 * publish. Refusals are not remembered; they throw as before.
 */
export function rememberingContentTypes(): (topic: Topic, header: string | undefined) => ResolvedContentType {
  const byTopic = new Map<Topic, Map<string | undefined, ResolvedContentType>>();
  return (topic, header) => {
    let accepted = byTopic.get(topic);
    if (!accepted) byTopic.set(topic, (accepted = new Map<string | undefined, ResolvedContentType>()));
    let resolved = accepted.get(header);
    if (!resolved) {
      resolved = resolveContentType(topic, header);
      if (accepted.size >= MAX_REMEMBERED) accepted.clear();
      accepted.set(header, resolved);
    }
    return resolved;
  };
}
