import type { DeadLetterAdmin } from '@mq/mq';
import { summaryOf, type ParkedSummary } from './message-json.js';

/** Messages parked for one failure reason. */
export interface ParkedGroup {
  reason: string;
  count: number;
  newestFailureAt: string;
  oldestFailureAt: string;
  /** The last error of the group's newest message. */
  example: string;
}

/** What a dead-letter queue held when it was last read: summaries newest first, and their groups. */
export interface ParkedSnapshot {
  takenAt: Date;
  total: number;
  /** Newest failure first (the order the console pages in). */
  entries: ParkedSummary[];
  byReason: Map<string, ParkedSummary[]>;
  /** Newest failure first. */
  groups: ParkedGroup[];
}

export interface ParkedIndexOptions {
  /** How long a snapshot is reused before the queue is read again (actions refresh it at once). @default 5000 */
  maxAgeMs?: number;
  now?: () => number;
}

/** The last error as kept in a snapshot: enough to recognise it, bounded for tens of thousands. */
const SUMMARY_ERROR_CHARS = 300;

/**
 * Groups and pages need the whole queue in view, and a classic queue can only be read from its
 * head: each read browses every parked message (without removing any) and keeps only summaries.
 * A snapshot is shared by the requests of the next `maxAgeMs`, so paging through tens of
 * thousands reads the queue once, not once per page; concurrent requests share one read.
 */
export class ParkedIndex {
  readonly #snapshots = new Map<string, { at: number; snapshot: Promise<ParkedSnapshot> }>();
  readonly #maxAgeMs: number;
  readonly #now: () => number;

  constructor(private readonly deadLetters: DeadLetterAdmin, options: ParkedIndexOptions = {}) {
    this.#maxAgeMs = options.maxAgeMs ?? 5000;
    this.#now = options.now ?? Date.now;
  }

  snapshot(queue: string): Promise<ParkedSnapshot> {
    const cached = this.#snapshots.get(queue);
    if (cached && this.#now() - cached.at < this.#maxAgeMs) return cached.snapshot;
    const snapshot = this.#read(queue);
    const entry = { at: this.#now(), snapshot };
    this.#snapshots.set(queue, entry);
    snapshot.catch(() => {
      if (this.#snapshots.get(queue) === entry) this.#snapshots.delete(queue); // the next request reads again
    });
    return snapshot;
  }

  /** After a replay or purge: the next request reads the queue again. */
  invalidate(queue: string): void {
    this.#snapshots.delete(queue);
  }

  async #read(queue: string): Promise<ParkedSnapshot> {
    const entries: ParkedSummary[] = [];
    await this.deadLetters.browse(queue, (message) => {
      const summary = summaryOf(message);
      summary.lastError = summary.lastError.slice(0, SUMMARY_ERROR_CHARS);
      entries.push(summary);
    });
    // The queue is oldest first; reversed, equal failure times keep "parked later = newer".
    entries.reverse().sort((a, b) => (a.lastFailureAt < b.lastFailureAt ? 1 : a.lastFailureAt > b.lastFailureAt ? -1 : 0));
    const byReason = new Map<string, ParkedSummary[]>();
    for (const entry of entries) {
      const group = byReason.get(entry.reason);
      if (group) group.push(entry);
      else byReason.set(entry.reason, [entry]);
    }
    const groups = [...byReason].map(([reason, members]): ParkedGroup => ({
      reason,
      count: members.length,
      newestFailureAt: members[0]!.lastFailureAt,
      oldestFailureAt: members.at(-1)!.lastFailureAt,
      example: members[0]!.lastError,
    }));
    return { takenAt: new Date(this.#now()), total: entries.length, entries, byReason, groups };
  }
}

/** One page of a snapshot, newest first; `reason` narrows it to one group. */
export function pageOf(snapshot: ParkedSnapshot, query: { reason?: string; offset: number; limit: number }) {
  const members = query.reason === undefined ? snapshot.entries : (snapshot.byReason.get(query.reason) ?? []);
  return {
    total: members.length,
    offset: query.offset,
    limit: query.limit,
    takenAt: snapshot.takenAt.toISOString(),
    messages: members.slice(query.offset, query.offset + query.limit),
  };
}
