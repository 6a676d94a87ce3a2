/**
 * mcpc over HTTP: `import { serveHttp } from "mcpc/http"`, or simply
 * `server.serve({ transport: "http", port })`. Node-only (it uses `node:http`),
 * so it lives at its own subpath and the root entry never loads it.
 *
 * @module mcpc/http
 */
export { serveHttp, STREAMABLE_HTTP_PATH, LEGACY_SSE_PATH } from "./httpServer.js";
export type { HttpServing } from "./httpServer.js";
export type { HttpOptions } from "./httpOptions.js";
export type { HttpRoute } from "./httpRoute.js";
export { SessionEventStore, GET_STREAM_ID } from "./eventStore.js";
export type { SessionEventStoreOptions } from "./eventStore.js";
export { HTTP_ERROR_CODES } from "./security.js";
export type { Authenticate, Principal } from "./security.js";
export { LEGACY_MESSAGES_PATH } from "./legacySse.js";
export type { SessionClosePolicy, TransportKind } from "../../session/sessionOptions.js";
export type { SessionHost, HostedSession } from "../../session/sessionHost.js";

// For runners such as the mcpc CLI: a proxy in front of mcpc servers (`mcpc serve --http --watch`) checks Host and Origin as they do
/** DNS-rebinding protection: refuses a request whose `Host` or `Origin` is not allow-listed. */
export { RequestGuard } from "./security.js";
/** The loopback `Host` values (`localhost:PORT`, `127.0.0.1:PORT`, `[::1]:PORT`) and the matching `http://` origins. */
export { loopbackHosts, loopbackOrigins } from "./security.js";
/** Answers a refused HTTP request with a JSON-RPC error body, as the SDK transports do. */
export { refuse } from "./security.js";
/** A refusal: the HTTP status and the JSON-RPC error {@link refuse} sends. */
export type { Refusal } from "./security.js";
