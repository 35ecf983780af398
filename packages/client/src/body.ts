/** What `publish()` accepts as a message body. */
export type MessageData = string | Uint8Array | ArrayBuffer | Blob | object | number | boolean | null;

/** A body as fetch sends it, reusable on every retry (never a one-shot stream). */
export type EncodedBody = string | Uint8Array<ArrayBuffer> | ArrayBuffer | Blob;

/**
 * The body and its content type: strings and bytes are sent as they are (text/plain, or
 * application/octet-stream, unless `contentType` says otherwise), anything else as JSON.
 */
export function encodeBody(data: MessageData, contentType: string | undefined): { body: EncodedBody; contentType: string } {
  if (typeof data === 'string') return { body: data, contentType: contentType ?? 'text/plain; charset=utf-8' };
  if (data instanceof Uint8Array) return { body: data as Uint8Array<ArrayBuffer>, contentType: contentType ?? 'application/octet-stream' };
  if (data instanceof ArrayBuffer) return { body: data, contentType: contentType ?? 'application/octet-stream' };
  if (typeof Blob !== 'undefined' && data instanceof Blob) return { body: data, contentType: contentType ?? (data.type || 'application/octet-stream') };
  const json = JSON.stringify(data);
  if (json === undefined) throw new TypeError('publish(): data cannot be serialized as JSON');
  return { body: json, contentType: contentType ?? 'application/json' };
}
