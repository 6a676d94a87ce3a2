import type { BestEffortKind } from "../call/callSession.js";
import type { OutboundGauge } from "./outbound.js";

export type { BestEffortKind } from "../call/callSession.js";

/** How many messages of each best-effort kind were dropped since the last notice. */
export type DropCounts = Record<BestEffortKind, number>;

/** Drop notices to one client are at least this far apart; drops in between are added up. */
const NOTICE_INTERVAL_MS = 1_000;

/**
 * The drop half of the outbound policy (outbound.ts) for one session.
 *
 * While the way to the client is congested, a best-effort message is not
 * admitted: it is counted instead. Once the client reads again
 * ({@link OutboundGauge.writable}) the counts go to `onResumed`, once per
 * episode (episodes less than a second apart share one), which sends the
 * client one notice and logs one line, so a gap is visible on the wire instead
 * of silent.
 */
export class BestEffortGate {
  readonly #gauge: OutboundGauge | undefined;
  readonly #onResumed: (dropped: DropCounts) => void;
  #dropped: DropCounts | undefined;
  #lastNotice = Number.NEGATIVE_INFINITY;
  #timer: NodeJS.Timeout | undefined;

  constructor(gauge: OutboundGauge | undefined, onResumed: (dropped: DropCounts) => void) {
    this.#gauge = gauge;
    this.#onResumed = onResumed;
  }

  /** True when a message of `kind` may go now; false (and counted) while the client is not keeping up. */
  admit(kind: BestEffortKind): boolean {
    const gauge = this.#gauge;
    if (gauge === undefined || !gauge.congested()) return true;
    // Counted per message, but one wait for the whole episode: nothing is held per dropped message.
    if (this.#dropped) this.#dropped[kind]++;
    else this.drop(kind, gauge.writable());
    return false;
  }

  /** Counts one message of `kind` dropped; the notice goes out once `resumed` settles (one notice per episode). */
  drop(kind: BestEffortKind, resumed: Promise<void>): void {
    if (this.#dropped) {
      this.#dropped[kind]++;
      return;
    }
    this.#dropped = { server_events: 0, logs: 0, heartbeats: 0 };
    this.#dropped[kind]++;
    // writable() never rejects; the second handler only keeps a rejection from going unowned.
    resumed.then(this.#report, this.#report);
  }

  readonly #report = (): void => {
    // A client reading at full speed flips the gauge after every write: one notice per
    // episode would be a notice per write. Episodes within a second share one notice.
    const wait = this.#lastNotice + NOTICE_INTERVAL_MS - Date.now();
    if (wait > 0) {
      this.#timer ??= setTimeout(this.#notify, wait);
      this.#timer.unref();
      return;
    }
    this.#notify();
  };

  readonly #notify = (): void => {
    this.#timer = undefined;
    const dropped = this.#dropped;
    this.#dropped = undefined;
    if (!dropped) return;
    this.#lastNotice = Date.now();
    try {
      this.#onResumed(dropped);
    } catch {
      // A notice that cannot be sent changes nothing for the session.
    }
  };
}
