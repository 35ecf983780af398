/**
 * The failure reason a parked message is grouped under in the console and the admin API: the
 * HTTP status the app answered (`HTTP 422`), else the error class (`TimeoutError`,
 * `DeliveryError: refused`), else what the broker said when it dead-lettered the message itself
 * (`broker: delivery_limit`). Messages that failed the same way land in one group whatever the
 * text after it (a body snippet, an id) says.
 */
export function failureReason(lastError: string): string {
  const http = /^(?:[\w$]+: )?HTTP (\d{3})\b/.exec(lastError);
  if (http) return `HTTP ${http[1]}`;
  const broker = /^dead-lettered by the broker: (\S+)/.exec(lastError);
  if (broker) return `broker: ${broker[1]}`;
  const delivery = /^DeliveryError: ([\w-]+):/.exec(lastError);
  if (delivery) return `DeliveryError: ${delivery[1]}`;
  const errorClass = /^([A-Za-z_$][\w$]*):/.exec(lastError);
  if (errorClass) return errorClass[1]!;
  return lastError === '' ? 'unknown' : 'other';
}
