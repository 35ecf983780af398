import { decodeTime, isValid } from 'ulid';
import { describe, expect, it } from 'vitest';
import { createMessageIdGenerator } from './message-id.js';

describe('createMessageIdGenerator', () => {
  it('makes valid ULIDs carrying the time, decodable by the reference implementation', () => {
    const id = createMessageIdGenerator(() => 1_700_000_000_123)();
    expect(id).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(isValid(id)).toBe(true);
    expect(decodeTime(id)).toBe(1_700_000_000_123);
  });

  it('is unique and sorted in creation order, within a millisecond and when the clock steps back', () => {
    let clock = 1_000;
    const next = createMessageIdGenerator(() => clock);
    const ids: string[] = [];
    for (let i = 0; i < 3000; i++) {
      if (i % 1000 === 0) clock += 1;
      if (i === 2500) clock -= 5;
      ids.push(next());
    }
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(ids);
  });

  it('draws fresh randomness for each new millisecond', () => {
    let clock = 1;
    const next = createMessageIdGenerator(() => clock++);
    const randomParts = new Set(Array.from({ length: 600 }, () => next().slice(10)));
    expect(randomParts.size).toBe(600);
  });
});
