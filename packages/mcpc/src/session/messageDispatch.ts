import type { Protocol } from "@modelcontextprotocol/sdk/shared/protocol.js";
import type { JSONRPCMessage, MessageExtraInfo } from "@modelcontextprotocol/sdk/types.js";

type OnMessage = (message: JSONRPCMessage, extra?: MessageExtraInfo) => void;

/** The SDK `Protocol`'s handlers of each kind of message (private in SDK 1.32.2, `shared/protocol.js`). */
interface ProtocolHandlers {
  _onrequest(message: JSONRPCMessage, extra?: MessageExtraInfo): void;
  _onnotification(message: JSONRPCMessage): void;
  _onresponse(message: JSONRPCMessage): void;
}

/**
 * Hands each incoming message straight to the SDK `Protocol`'s handler of its
 * kind, told by its keys, instead of through the `onmessage` that `connect()`
 * installs, which asks zod whether the message is a result, then an error, then
 * a request (`safeParse` each; a request fails the first two, each failure
 * building a `ZodError`). In a profile of 4,000 `tools/call` over stdio those
 * three took ~20 µs a request.
 *
 * The keys decide exactly because every message has passed the SDK's
 * `JSONRPCMessageSchema` before it gets here (the stdio read buffer, the HTTP
 * and SSE transports), whose four strict schemas differ by key: a request has
 * `method` and `id`, a notification `method` and no `id`, a response `result`
 * or `error`. Only for transports mcpc makes: a custom transport may hand over
 * anything, and keeps the SDK's own dispatch. Where this SDK's `Protocol` has
 * not these handlers, nothing is changed. Call right after `connect()`; a
 * message that came before still took the SDK's way, which is the same.
 *
 * @returns whether it was installed
 */
export function installMessageDispatch(protocol: Protocol<never, never, never>, transport: { onmessage?: OnMessage }): boolean {
  const sdk = protocol as unknown as Partial<ProtocolHandlers>;
  const original = transport.onmessage;
  if (!original || typeof sdk._onrequest !== "function" || typeof sdk._onnotification !== "function" || typeof sdk._onresponse !== "function") {
    return false;
  }
  const handlers = sdk as ProtocolHandlers;
  transport.onmessage = (message, extra) => {
    if ("method" in message) {
      if ("id" in message) handlers._onrequest(message, extra);
      else handlers._onnotification(message);
    } else if ("result" in message || "error" in message) {
      handlers._onresponse(message);
    } else {
      original(message, extra);
    }
  };
  return true;
}
