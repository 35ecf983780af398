import { describe, expect, it } from 'vitest';
import { rememberingContentTypes } from './content-type.js';
import type { Topic } from './topics.js';

const topic = (name: string, contentTypes?: string[]) => ({ name, exchange: name, routingKey: name, maxBytes: 1024, contentTypes }) as unknown as Topic;

describe('rememberingContentTypes', () => {
  it('answers a value a topic accepted from memory, and judges each topic by its own rules', () => {
    const resolve = rememberingContentTypes();
    const images = topic('images', ['image/*']);
    const events = topic('events');
    const first = resolve(images, 'image/PNG');
    expect(first).toEqual({ header: 'image/PNG', mediaType: 'image/png' });
    expect(resolve(images, 'image/PNG')).toBe(first);
    expect(resolve(events, 'application/json')).toEqual({ header: 'application/json', mediaType: 'application/json' });
    expect(() => resolve(images, 'application/json')).toThrow(/accepts image\/\*/);
    expect(resolve(events, undefined)).toEqual({ header: 'application/octet-stream', mediaType: 'application/octet-stream' });
  });

  it('refuses a bad value every time it is sent, never from memory', () => {
    const resolve = rememberingContentTypes();
    const events = topic('events');
    for (let i = 0; i < 2; i++) expect(() => resolve(events, 'not a type')).toThrow(/not a valid media type/);
  });
});
