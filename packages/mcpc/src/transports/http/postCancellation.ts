import type { ServerResponse } from "node:http";
import type { JSONRPCNotification, RequestId } from "@modelcontextprotocol/sdk/types.js";
import type { HttpSession } from "./sessionTable.js";

import { ABANDONED_REASON } from "../../call/cancelReasons.js";

/**
 * A Streamable HTTP POST whose response closes before it was finished is a
 * cancellation of the requests in its body: their answers can only travel on
 * that response, and a client that was killed or aborted the request will not
 * ask again. The SDK only forgets the stream; a synchronous-fallback call would
 * run on until the session idles out.
 *
 * So each request id of the body is handed to the session as a
 * `notifications/cancelled` through the transport's `onmessage`, the path a
 * client's own cancellation takes: the SDK aborts the handler's signal and the
 * call stops its task (`cancelled`, its `finally` blocks run). For a request
 * already answered the SDK has nothing to abort and ignores it; a native call
 * answered `created` keeps its task (it is stopped with `mcpc/tasks/stop`, or
 * with its session).
 *
 * A response that finished (every answer written) closes with
 * `writableFinished` set, and cancels nothing.
 */
export function cancelWhenAbandoned(entry: HttpSession, response: ServerResponse, body: unknown): void {
  const ids = requestIds(body);
  if (ids.length === 0) return;
  response.once("close", () => {
    if (response.writableFinished) return;
    // A session already closed has aborted its calls itself.
    const deliver = entry.transport.onmessage;
    if (entry.session === undefined || deliver === undefined) return;
    for (const requestId of ids) {
      const cancel: JSONRPCNotification = { jsonrpc: "2.0", method: "notifications/cancelled", params: { requestId, reason: ABANDONED_REASON } };
      deliver(cancel);
    }
  });
}

/** The ids of the requests (not notifications, not responses) in a POST body. */
function requestIds(body: unknown): RequestId[] {
  const messages: unknown[] = Array.isArray(body) ? body : [body];
  const ids: RequestId[] = [];
  for (const message of messages) {
    if (typeof message !== "object" || message === null || !("method" in message) || !("id" in message)) continue;
    const { id } = message as { id: unknown };
    if (typeof id === "string" || typeof id === "number") ids.push(id);
  }
  return ids;
}
