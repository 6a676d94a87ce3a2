/**
 * How full the way from one session to its client is. Each transport that can
 * tell (stdio: the coalescing writer; Streamable HTTP: the GET stream's socket)
 * gives its session one; the session reads it before it sends.
 *
 * The policy it serves (docs/limits.md):
 * - task events (`update`, progress of a fallback call) wait for {@link writable}:
 *   the tool's generator is held, nothing piles up and nothing is lost;
 * - terminal events and answers are never dropped (one per task or call);
 * - best-effort messages (server events, log notifications, heartbeats) are
 *   dropped while {@link congested}, counted, and reported to the client in one
 *   notice once it reads again.
 */
export interface OutboundGauge {
  /** True while the client is not keeping up (more than the transport's bound is waiting for it). */
  congested(): boolean;
  /** Resolves once the client has caught up (at once when not congested). Never rejects; resolves on close too. */
  writable(): Promise<void>;
}
