/** How the console shows a body: pretty JSON, text, or a hex preview of binary. */
export type BodyPreview = { kind: 'json' | 'text' | 'hex'; text: string; truncated: boolean };

/** Bytes shown of a binary body: enough to recognise a format, small enough for the page. */
const HEX_PREVIEW_BYTES = 1024;

export function previewBody(body: string, encoding: 'utf8' | 'base64', contentType: string | null): BodyPreview {
  if (encoding === 'base64') return hexPreview(Buffer.from(body, 'base64'));
  const looksJson = /json/i.test(contentType ?? '') || /^\s*[[{]/.test(body);
  if (looksJson) {
    try {
      return { kind: 'json', text: JSON.stringify(JSON.parse(body), null, 2), truncated: false };
    } catch {
      // not JSON after all: shown as text
    }
  }
  return { kind: 'text', text: body, truncated: false };
}

/** `00000000  7b 22 61 22 ...  |{"a"...|`, 16 bytes a line, like `hexdump -C`. */
export function hexPreview(bytes: Buffer): BodyPreview {
  const shown = bytes.subarray(0, HEX_PREVIEW_BYTES);
  const lines: string[] = [];
  for (let offset = 0; offset < shown.length; offset += 16) {
    const row = shown.subarray(offset, offset + 16);
    const hex = [...row].map((b) => b.toString(16).padStart(2, '0')).join(' ');
    const ascii = [...row].map((b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.')).join('');
    lines.push(`${offset.toString(16).padStart(8, '0')}  ${hex.padEnd(47)}  |${ascii}|`);
  }
  return { kind: 'hex', text: lines.join('\n'), truncated: bytes.length > HEX_PREVIEW_BYTES };
}
