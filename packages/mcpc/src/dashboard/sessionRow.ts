import type { Session } from "../session/session.js";
import type { TransportKind } from "../session/sessionOptions.js";
import { handlesFor } from "../rungs/handles/handleRung.js";
import type { ObservedRuntime } from "./observedRuntime.js";

/**
 * The rung of the delivery ladder a session's background calls get (see the
 * README's ladder): MCPC native, the Python dialect, MCP tasks (spec
 * 2025-11-25), job handles for a plain client, or the plain synchronous fallback.
 */
export type Rung = "native" | "legacy" | "mcp-tasks" | "handles" | "sync";

/** One open session, as the page shows it. */
export interface SessionRow {
  id: string;
  /** Who owns its tasks: the session id, or the authenticated principal's. */
  owner: string;
  /** The client's name and version from `initialize`; empty before it. */
  client: string;
  version: string;
  transport: TransportKind;
  rung: Rung;
  /** Its tasks that have not ended (running or queued). */
  live: number;
  /** When the dashboard first saw it (ms since the epoch). */
  since: number;
  /** Which attached server it belongs to (an index into the page's server list). */
  server: number;
}

/**
 * The session's rung, by the rules the calls themselves follow: the dialect it
 * negotiated first, then MCP tasks when the client declared them and the server
 * serves them, then job handles (the same `handlesFor` a call consults), else
 * the synchronous fallback.
 */
export function rungOf(session: Session, runtime: ObservedRuntime): Rung {
  if (session.legacy) return "legacy";
  if (session.native) return "native";
  if (runtime.mcpTasks && session.server.getClientCapabilities()?.tasks) return "mcp-tasks";
  return handlesFor(session) ? "handles" : "sync";
}

/** The row of an open session now. */
export function sessionRowOf(session: Session, runtime: ObservedRuntime, server: number, since: number): SessionRow {
  const client = session.server.getClientVersion();
  return {
    id: session.id,
    owner: session.owner,
    client: client?.name ?? "",
    version: client?.version ?? "",
    transport: session.transportKind,
    rung: rungOf(session, runtime),
    live: session.liveTaskCount,
    since,
    server,
  };
}

/** A string that changes when anything the page shows of the row changes. */
export function sessionSignature(row: SessionRow): string {
  return `${row.client}\n${row.version}\n${row.rung}\n${row.live}\n${row.transport}`;
}
