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
export { SessionEventStore, GET_STREAM_ID } from "./eventStore.js";
export type { SessionEventStoreOptions } from "./eventStore.js";
export { HTTP_ERROR_CODES } from "./security.js";
export type { Authenticate, Principal } from "./security.js";
export { LEGACY_MESSAGES_PATH } from "./legacySse.js";
export type { SessionClosePolicy, TransportKind } from "../sessionOptions.js";
