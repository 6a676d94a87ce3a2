import type { OutboundGauge } from "./outbound.js";

/**
 * Which wire carries a session. Dialects read it to decide what they can offer:
 * the legacy Python dialect forges `MCPC_CALLBACK` responses, which stdio and
 * legacy SSE carry but Streamable HTTP cannot (a response needs a request to
 * attach to), so over `"streamable-http"` its handshake answers `mcpc_enabled: false`.
 */
export type TransportKind = "stdio" | "sse" | "streamable-http" | "custom";

/**
 * What happens to the running tasks a session started when the session closes
 * (HTTP `DELETE`, idle expiry, the legacy SSE stream dropping, stdin ending):
 *
 * - `"stop"` (default): each is stopped like `mcpc/tasks/stop` (its signal aborts,
 *   its `finally` blocks run within the grace period) and ends `cancelled` with
 *   the reason `"Session closed"`.
 * - `"finish"`: each runs to its own end (`complete` or `failed`). Its events
 *   reach nobody, but its record stays readable by its owner until the TTL: with
 *   an `authenticate` hook, the same principal can `check` it from a new session.
 *
 * Either way each task reaches exactly one terminal state.
 */
export type SessionClosePolicy = "stop" | "finish";

/** How `McpcRuntime.connect` sets a session up; every field is optional. */
export interface SessionOptions {
  /** The session's id (the HTTP `Mcp-Session-Id`). Default: the transport's, else a new UUID. */
  id?: string;
  /** Who owns the tasks the session starts: the authenticated principal's id. Default: the session id. */
  owner?: string;
  /** The wire under the session. Default `"custom"`. */
  transportKind?: TransportKind;
  /** What happens to the session's running tasks when it closes. Default `"stop"`. */
  closePolicy?: SessionClosePolicy;
  /** Called once the session has closed, after the close policy was applied. */
  onClosed?: () => void;
  /** How full the way to the client is, where the transport can tell (see {@link OutboundGauge}). Default: never congested. */
  outbound?: OutboundGauge;
}
