import { describe, expect, it } from 'vitest';
import { previewBody } from './body-preview.js';

describe('previewBody', () => {
  it('pretty-prints JSON, keeps text, shows binary as hex', () => {
    expect(previewBody('{"a":1}', 'utf8', 'application/json')).toEqual({ kind: 'json', text: '{\n  "a": 1\n}', truncated: false });
    expect(previewBody('{not json', 'utf8', 'application/json').kind).toBe('text');
    expect(previewBody('hello', 'utf8', 'text/plain')).toEqual({ kind: 'text', text: 'hello', truncated: false });
    const hex = previewBody(Buffer.from([0xff, 0x00, 0x41]).toString('base64'), 'base64', null);
    expect(hex.kind).toBe('hex');
    expect(hex.text).toBe(`00000000  ff 00 41${' '.repeat(39)}  |..A|`);
  });

  it('cuts a long binary body to its first KiB', () => {
    const preview = previewBody(Buffer.alloc(4096, 1).toString('base64'), 'base64', 'application/octet-stream');
    expect(preview.truncated).toBe(true);
    expect(preview.text.split('\n')).toHaveLength(64);
  });
});
