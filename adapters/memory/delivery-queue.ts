/**
 * FIFO queue of deliveries on the microtask queue.
 *
 * Each task runs in its own `Promise.resolve().then(...)`, never on a timer, so Jest's fake timers
 * neither block nor reorder it. Tasks run in the order they were queued.
 */
export class DeliveryQueue {
  private readonly pending: Array<() => void> = [];

  /** @param onError receives whatever a task throws; the queue keeps going. */
  constructor(private readonly onError: (error: unknown) => void) {}

  /** Number of tasks not run yet. */
  get size(): number {
    return this.pending.length;
  }

  /** Queue a task behind every task already queued. */
  enqueue(task: () => void): void {
    this.pending.push(task);
    void Promise.resolve().then(() => this.runNext());
  }

  /**
   * Resolve once the queue has stayed empty for a few microtask turns, so that promise chains in
   * listeners get to queue their follow-ups. Rejects after `maxTurns` turns (a delivery loop).
   */
  async settle(maxTurns = 100_000): Promise<void> {
    const idleTurnsNeeded = 10;
    let idleTurns = 0;
    for (let turn = 0; turn < maxTurns; turn++) {
      await Promise.resolve();
      idleTurns = this.pending.length === 0 ? idleTurns + 1 : 0;
      if (idleTurns >= idleTurnsNeeded) return;
    }
    throw new Error(`memory SIP network did not settle within ${maxTurns} microtask turns`);
  }

  private runNext(): void {
    const task = this.pending.shift();
    if (task === undefined) return;
    try {
      task();
    } catch (error) {
      this.onError(error);
    }
  }
}
