import { CloudEvent } from 'cloudevents';
import { MalformedEventError } from './errors.js';

/** The consumer's header with the 1-based delivery attempt. */
export const ATTEMPT_HEADER = 'x-delivery-attempt';

/** What a delivery adds to the CloudEvent: the attempt and the W3C trace context. */
export interface DeliveryExtensions {
  /** 1 on the first try; more when the consumer retries the same message. */
  readonly attempt: number;
  /** W3C `traceparent` of the delivery, to continue the trace in the app. */
  readonly traceparent?: string;
}

/**
 * A verified delivery as a CloudEvent (the official SDK's class): `id` (the signed
 * `webhook-id`), `type`, `source`, `time`, `datacontenttype`, `data`, plus `attempt` and
 * `traceparent`. `data` is the parsed JSON for JSON content types, a string for text, and the
 * raw bytes (`Uint8Array`, also as `data_base64`) for anything else.
 */
export type DeliveryEvent<T = unknown> = CloudEvent<T> & DeliveryExtensions;

const TEXT = /^(text\/|application\/(xml|x-www-form-urlencoded)|[^;]*\+xml)/i;
const JSON_TYPE = /^application\/([^;]*\+)?json\s*(;|$)/i;

/** CloudEvents HTTP binding: ce-* values are percent-encoded UTF-8. */
function header(headers: Headers, name: string, required: boolean): string | undefined {
  const raw = headers.get(name);
  if (raw === null || raw === '') {
    if (required) throw new MalformedEventError(`the ${name} header is missing`);
    return undefined;
  }
  try {
    return decodeURIComponent(raw);
  } catch {
    throw new MalformedEventError(`the ${name} header is not valid percent-encoded UTF-8`);
  }
}

function attemptOf(headers: Headers): number {
  const raw = headers.get(ATTEMPT_HEADER);
  const attempt = raw === null ? NaN : Number(raw);
  if (!Number.isSafeInteger(attempt) || attempt < 1 || !/^\d+$/.test(raw ?? '')) {
    throw new MalformedEventError(`the ${ATTEMPT_HEADER} header is not a positive integer`);
  }
  return attempt;
}

function dataOf(contentType: string | undefined, body: Uint8Array): unknown {
  if (contentType === undefined || (!JSON_TYPE.test(contentType) && !TEXT.test(contentType))) return body;
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(body);
  } catch {
    throw new MalformedEventError(`the body is not UTF-8 although the content type is ${contentType}`);
  }
  if (!JSON_TYPE.test(contentType)) return text;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new MalformedEventError(`the body is not JSON although the content type is ${contentType}`);
  }
}

/**
 * Reads a CloudEvents 1.0 binary-mode request (already verified) into a {@link DeliveryEvent}.
 * The `ce-id` must be the signed `webhook-id`: the CloudEvents headers are not covered by the
 * signature, so an event id that differs from the signed one is refused rather than trusted.
 */
export function toDeliveryEvent<T>(headers: Headers, body: Uint8Array, signedId: string): DeliveryEvent<T> {
  const specversion = header(headers, 'ce-specversion', true);
  if (specversion !== '1.0') throw new MalformedEventError(`ce-specversion is "${specversion}", not "1.0"`);
  if (headers.get('ce-id') !== signedId) throw new MalformedEventError('ce-id is not the signed webhook-id');
  const contentType = headers.get('content-type') ?? undefined;
  const time = header(headers, 'ce-time', false);
  if (time !== undefined && Number.isNaN(Date.parse(time))) throw new MalformedEventError('ce-time is not an RFC 3339 time');
  const traceparent = headers.get('traceparent') ?? undefined;
  try {
    return new CloudEvent<T>({
      specversion: '1.0',
      id: header(headers, 'ce-id', true),
      type: header(headers, 'ce-type', true),
      source: header(headers, 'ce-source', true),
      ...(time === undefined ? {} : { time }),
      ...(contentType === undefined ? {} : { datacontenttype: contentType }),
      data: dataOf(contentType, body) as T,
      attempt: attemptOf(headers),
      ...(traceparent === undefined ? {} : { traceparent }),
    }) as DeliveryEvent<T>;
  } catch (error) {
    if (error instanceof MalformedEventError) throw error;
    throw new MalformedEventError(`not a valid CloudEvent: ${(error as Error).message.split('\n')[0]}`);
  }
}
