interface Entry {
  readonly bytes: number;
  readonly expiresAt: number;
}

/**
 * The per-owner caps on finished task records: at most a count and a size of
 * them per owner, the oldest removed first. The store keeps the records; this
 * keeps only what the caps need (an id and a size each, in finish order), so a
 * store never has to count.
 */
export class FinishedRecords {
  readonly #maxCount: number;
  readonly #maxBytes: number;
  readonly #evict: (owner: string, taskId: string) => void;
  /** Per owner: its finished records in finish order (a Map keeps insertion order), and the sum of their sizes. */
  readonly #owners = new Map<string, { sizes: Map<string, Entry>; bytes: number }>();

  /** `evict` removes one record from the store; it is called for each record a cap pushes out. */
  constructor(maxCount: number, maxBytes: number, evict: (owner: string, taskId: string) => void) {
    this.#maxCount = maxCount;
    this.#maxBytes = maxBytes;
    this.#evict = evict;
  }

  /**
   * A task of `owner` finished with a record of about `bytes` characters, kept
   * until `expiresAt`; older records over the caps go.
   */
  add(owner: string, taskId: string, bytes: number, expiresAt: number): void {
    let kept = this.#owners.get(owner);
    if (!kept) this.#owners.set(owner, (kept = { sizes: new Map(), bytes: 0 }));
    kept.sizes.set(taskId, { bytes, expiresAt });
    kept.bytes += bytes;
    // The newest record stays even when it alone is over the byte cap: its owner is waiting for it.
    while (kept.sizes.size > 1 && (kept.sizes.size > this.#maxCount || kept.bytes > this.#maxBytes)) {
      const [oldest, entry] = kept.sizes.entries().next().value as [string, Entry];
      kept.sizes.delete(oldest);
      kept.bytes -= entry.bytes;
      this.#evict(owner, oldest);
    }
  }

  /** Forgets the records whose TTL is over (the store's sweep removes the records themselves). */
  expire(now: number): void {
    for (const [owner, kept] of this.#owners) {
      // Finish order is expiry order (one TTL for all): stop at the first that is still kept.
      for (const [taskId, entry] of kept.sizes) {
        if (entry.expiresAt > now) break;
        kept.sizes.delete(taskId);
        kept.bytes -= entry.bytes;
      }
      if (kept.sizes.size === 0) this.#owners.delete(owner);
    }
  }

  /** The record is gone (cleaned up, expired): stop counting it. */
  remove(owner: string, taskId: string): void {
    const kept = this.#owners.get(owner);
    const entry = kept?.sizes.get(taskId);
    if (!kept || entry === undefined) return;
    kept.sizes.delete(taskId);
    kept.bytes -= entry.bytes;
    if (kept.sizes.size === 0) this.#owners.delete(owner);
  }

  /** Every finished record of `owner`, which nobody can read any more: each is evicted. */
  dropOwner(owner: string): void {
    const kept = this.#owners.get(owner);
    if (!kept) return;
    this.#owners.delete(owner);
    for (const taskId of kept.sizes.keys()) this.#evict(owner, taskId);
  }

  /** Finished records counted, across owners. */
  get size(): number {
    let size = 0;
    for (const kept of this.#owners.values()) size += kept.sizes.size;
    return size;
  }
}
