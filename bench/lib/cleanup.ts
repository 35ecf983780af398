// Undo steps registered as a case builds its world, run in reverse even when a step in between
// failed: a case that dies half-way leaves no server, queue or exchange behind.

export interface Cleanup {
  /** Registers an undo step; steps run last-in first-out. */
  add(step: () => Promise<unknown>): void;
  /** Runs every step, each one's failure ignored so the others still run. */
  run(): Promise<void>;
}

export function createCleanup(): Cleanup {
  const steps: Array<() => Promise<unknown>> = [];
  return {
    add: (step) => void steps.push(step),
    run: async () => {
      for (const step of steps.reverse()) await step().catch(() => undefined);
      steps.length = 0;
    },
  };
}
