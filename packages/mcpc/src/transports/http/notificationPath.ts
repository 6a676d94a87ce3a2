import type { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import type { EventStore } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import type { TransportSendOptions } from "@modelcontextprotocol/sdk/shared/transport.js";
import type { JSONRPCMessage, RequestId } from "@modelcontextprotocol/sdk/types.js";
import { SseBatcher } from "./sseBatcher.js";

/**
 * Notifications (task events, progress, logs) leave a Streamable HTTP session
 * through here instead of through the whole of the SDK's `send`.
 *
 * Why (SDK 1.32.2, `WebStandardStreamableHTTPServerTransport.send`): it asks of
 * every outgoing message, twice, whether it is a result and whether it is an
 * error (`isJSONRPCResultResponse`, `isJSONRPCErrorResponse`: zod `safeParse`).
 * For a notification all four fail, and each failure builds a `ZodError` with
 * its issues and messages. Then it encodes each SSE event on its own and puts it
 * in a web `ReadableStream` that `@hono/node-server` pumps into the response,
 * one `read()` and one `write()` per event. Streaming 10,000 progress
 * notifications in one call (`pnpm bench --http`, H1), the failed parses took a
 * fifth of the server's CPU and much of its garbage; see BENCHMARKS.md for the
 * figures with this path.
 *
 * A notification needs neither: it is never a result. This path does what the
 * SDK's `send` does for one (store the event in the session's event store, for
 * resumption, then write it to the stream of the request it belongs to, or to
 * the GET stream) and hands the SSE text to an {@link SseBatcher}, which joins
 * the events of one turn into one chunk. Results, errors and requests still go
 * through the SDK's `send`, which ends the POST streams and keeps its request
 * bookkeeping; whatever it writes to a stream goes after what was batched for it.
 *
 * It reads the SDK transport's private fields; {@link installNotificationPath}
 * checks that they are what this expects and leaves the SDK's `send` alone
 * otherwise (a later SDK), so a mismatch costs speed, never correctness.
 */
export function installNotificationPath(transport: StreamableHTTPServerTransport): boolean {
  const inner = (transport as unknown as { _webStandardTransport?: unknown })._webStandardTransport;
  if (!isWebTransport(inner)) return false;
  const sdkSend = inner.send.bind(inner);
  const batcher = new SseBatcher((controller, chunk) => {
    try {
      controller.enqueue(chunk);
    } catch {
      // The stream was closed (the client left): the events are in the event store for a resumption.
    }
  });
  const sdkWrite = inner.writeSSEEvent.bind(inner);
  // Whatever the SDK writes to a stream (a result, which then ends it; a replay) comes after what was batched for it.
  inner.writeSSEEvent = (controller, encoder, message, eventId) => {
    batcher.flush(controller);
    return sdkWrite(controller, encoder, message, eventId);
  };
  inner.send = (message, options) => (isNotification(message) ? sendNotification(inner, batcher, message, options?.relatedRequestId) : sdkSend(message, options));
  return true;
}

/** The SDK transport's private fields this path uses (SDK 1.32.2). */
interface WebTransport {
  send(message: JSONRPCMessage, options?: TransportSendOptions): Promise<void>;
  writeSSEEvent(controller: ReadableStreamDefaultController<Uint8Array>, encoder: unknown, message: JSONRPCMessage, eventId?: string): boolean;
  _eventStore: EventStore | undefined;
  _enableJsonResponse: boolean;
  _standaloneSseStreamId: string;
  _streamMapping: Map<string, SseStream>;
  _requestToStreamMapping: Map<RequestId, string>;
  _resumableStreams: Set<string>;
}

interface SseStream {
  controller?: ReadableStreamDefaultController<Uint8Array>;
  encoder?: unknown;
  replayedEventIds?: Set<string>;
}

function isWebTransport(value: unknown): value is WebTransport {
  if (typeof value !== "object" || value === null) return false;
  const fields = value as Record<string, unknown>;
  return (
    typeof fields.send === "function" &&
    typeof fields.writeSSEEvent === "function" &&
    typeof fields._enableJsonResponse === "boolean" &&
    typeof fields._standaloneSseStreamId === "string" &&
    fields._streamMapping instanceof Map &&
    fields._requestToStreamMapping instanceof Map &&
    fields._resumableStreams instanceof Set
  );
}

/** A notification by its shape: a method and no id (what JSON-RPC says one is). */
function isNotification(message: JSONRPCMessage): boolean {
  return "method" in message && !("id" in message);
}

/** The SDK's `send` for a notification, less the classification (see {@link installNotificationPath}). */
async function sendNotification(inner: WebTransport, batcher: SseBatcher, message: JSONRPCMessage, requestId: RequestId | undefined): Promise<void> {
  if (requestId === undefined) {
    const streamId = inner._standaloneSseStreamId;
    // Stored even with no stream open, so that a resumption replays it.
    const eventId = inner._eventStore ? await inner._eventStore.storeEvent(streamId, message) : undefined;
    write(inner._streamMapping.get(streamId), batcher, message, eventId);
    return;
  }
  const streamId = inner._requestToStreamMapping.get(requestId);
  if (streamId === undefined) throw new Error(`No connection established for request ID: ${String(requestId)}`);
  // In JSON-response mode a request's notifications have nowhere to go (as in the SDK).
  if (inner._enableJsonResponse) return;
  const eventId = inner._eventStore ? await inner._eventStore.storeEvent(streamId, message) : undefined;
  // Looked up after the store's await: a resumption may have replaced the stream meanwhile.
  if (write(inner._streamMapping.get(streamId), batcher, message, eventId) && eventId !== undefined) inner._resumableStreams.add(streamId);
}

function write(stream: SseStream | undefined, batcher: SseBatcher, message: JSONRPCMessage, eventId: string | undefined): boolean {
  if (!stream?.controller || !stream.encoder) return false;
  // A replay that registered this stream delivered the event already.
  if (eventId !== undefined && stream.replayedEventIds?.has(eventId)) return false;
  const id = eventId === undefined ? "" : `id: ${eventId}\n`;
  batcher.add(stream.controller, `event: message\n${id}data: ${JSON.stringify(message)}\n\n`);
  return true;
}
