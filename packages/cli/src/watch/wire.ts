import type { JSONRPCMessage, RequestId } from "@modelcontextprotocol/sdk/types.js";

/**
 * A JSON-RPC message as the watch runner reads it: a few fields looked at, the
 * rest passed on untouched. Read loosely on purpose: the runner only routes, and
 * the generation behind it (or the host) checks the message in full.
 */
export interface WireMessage {
  jsonrpc: "2.0";
  id?: RequestId | null;
  method?: string;
  params?: Record<string, unknown>;
  result?: Record<string, unknown>;
  error?: { code: number; message: string; data?: unknown };
}

/** Reads an SDK message loosely. */
export function wire(message: JSONRPCMessage): WireMessage {
  return message as WireMessage;
}

/** Back to the SDK's type, for a transport's `send`. */
export function sdk(message: WireMessage): JSONRPCMessage {
  return message as JSONRPCMessage;
}

/** A request: a method and an id. */
export function isRequest(message: WireMessage): message is WireMessage & { method: string; id: RequestId } {
  return typeof message.method === "string" && message.id !== undefined && message.id !== null;
}

/** A notification: a method and no id. */
export function isNotification(message: WireMessage): message is WireMessage & { method: string } {
  return typeof message.method === "string" && message.id === undefined;
}

/** An answer (result or error) to a request. */
export function isAnswer(message: WireMessage): boolean {
  return message.method === undefined;
}

/** A map key for a request id: `1` and `"1"` are different requests. */
export function idKey(id: RequestId): string {
  return typeof id === "string" ? `s:${id}` : `n:${id}`;
}

/** An error answer. */
export function errorAnswer(id: RequestId, code: number, message: string): WireMessage {
  return { jsonrpc: "2.0", id, error: { code, message } };
}

/** A plain object, or undefined. */
export function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}
