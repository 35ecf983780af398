import { MalformedEventError, SignatureMissingError, TimestampError } from './errors.js';
import { toDeliveryEvent, type DeliveryEvent } from './event.js';
import { importSecrets } from './secrets.js';
import { checkSignature } from './signature.js';

/** How a delivery is verified. */
export interface VerifyOptions {
  /**
   * The subscription's signing secret(s), `whsec_` + base64 as the consumer's env holds them. A
   * delivery verifies when any of them signed it: during a rotation, give the old and the new.
   */
  secrets: string | readonly string[];
  /**
   * How far `webhook-timestamp` may be from this clock, either way, in seconds: older deliveries
   * are refused as replays, newer ones as forged. @default 300 (the Standard Webhooks default)
   */
  toleranceS?: number;
}

/** Verifies one delivery given as headers and the exact body bytes. */
export type DeliveryVerifier = <T = unknown>(headers: Headers, body: Uint8Array, nowMs?: number) => Promise<DeliveryEvent<T>>;

/** The Standard Webhooks default tolerance. */
export const DEFAULT_TOLERANCE_S = 300;

/**
 * A verifier with the secrets decoded and imported once (what the Hono middleware and the Node
 * helper use). Throws a `TypeError` now when a secret is not `whsec_` + base64 of 24 to 64 bytes.
 */
export function createDeliveryVerifier(options: VerifyOptions): DeliveryVerifier {
  const toleranceS = options.toleranceS ?? DEFAULT_TOLERANCE_S;
  if (!(toleranceS >= 0)) throw new TypeError('toleranceS: must be 0 or more seconds');
  const keys = importSecrets(options.secrets);
  // Keys import asynchronously; a rejection here would only repeat the TypeError thrown above.
  keys.catch(() => undefined);
  return async <T>(headers: Headers, body: Uint8Array, nowMs = Date.now()) => {
    const signed = signedHeaders(headers);
    checkTimestamp(signed.timestamp, toleranceS, nowMs);
    await checkSignature(await keys, signed, body);
    return toDeliveryEvent<T>(headers, body, signed.id);
  };
}

function signedHeaders(headers: Headers): { id: string; timestamp: string; signature: string } {
  const id = headers.get('webhook-id');
  const timestamp = headers.get('webhook-timestamp');
  const signature = headers.get('webhook-signature');
  const missing = [
    ['webhook-id', id],
    ['webhook-timestamp', timestamp],
    ['webhook-signature', signature],
  ].filter(([, value]) => !value).map(([name]) => name);
  if (missing.length > 0 || id === null || timestamp === null || signature === null) {
    throw new SignatureMissingError(`the delivery is not signed: ${missing.join(', ')} missing`);
  }
  return { id, timestamp, signature };
}

/** Checked before the HMAC, as the reference libraries do: a replay is refused without the work. */
function checkTimestamp(timestamp: string, toleranceS: number, nowMs: number): void {
  if (!/^\d{1,15}$/.test(timestamp)) throw new TimestampError('TIMESTAMP_INVALID', 'webhook-timestamp is not unix seconds');
  const ageS = Math.floor(nowMs / 1000) - Number(timestamp);
  if (ageS > toleranceS) throw new TimestampError('TIMESTAMP_STALE', `webhook-timestamp is ${ageS} s old; at most ${toleranceS} s accepted`);
  if (-ageS > toleranceS) {
    throw new TimestampError('TIMESTAMP_FUTURE', `webhook-timestamp is ${-ageS} s in the future; at most ${toleranceS} s accepted`);
  }
}

/** Verifiers by options object, so repeated calls with the same options import the keys once. */
const verifiers = new WeakMap<VerifyOptions, DeliveryVerifier>();

/**
 * Verifies a delivery from the consumer: the Standard Webhooks signature (constant-time, any of
 * `secrets`) and the timestamp window, then returns it as a CloudEvent built with the official
 * `cloudevents` SDK. Reads the request's body (use `request.clone()` to read it again).
 *
 * Rejects only with a `VerificationError` (`code`, `status`): `SIGNATURE_MISSING`,
 * `SIGNATURE_INVALID`, `TIMESTAMP_INVALID`, `TIMESTAMP_STALE`, `TIMESTAMP_FUTURE` or
 * `EVENT_MALFORMED`. Throws a `TypeError` when `options.secrets` are not valid secrets.
 *
 * @example
 * const event = await verifyDelivery(request, { secrets: process.env.ORDERS_SIGNING_SECRET! });
 * console.log(event.id, event.type, event.attempt, event.data);
 */
export async function verifyDelivery<T = unknown>(request: Request, options: VerifyOptions): Promise<DeliveryEvent<T>> {
  let verifier = verifiers.get(options);
  if (verifier === undefined) {
    verifier = createDeliveryVerifier(options);
    verifiers.set(options, verifier);
  }
  let body: Uint8Array;
  try {
    body = new Uint8Array(await request.arrayBuffer());
  } catch (error) {
    throw new MalformedEventError(`cannot read the body: ${(error as Error).message}`);
  }
  return verifier<T>(request.headers, body);
}

