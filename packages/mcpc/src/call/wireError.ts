import { ErrorCode } from "@modelcontextprotocol/sdk/types.js";
import { McpcError } from "../errors.js";

/**
 * A JSON-RPC error to throw from a request handler. Unlike the SDK's `McpError`
 * its message is sent as written (the client adds its own "MCP error" prefix).
 */
export class WireError extends Error {
  readonly code: number;
  readonly data: unknown;

  constructor(code: number, message: string, data?: unknown) {
    super(message);
    this.name = "WireError";
    this.code = code;
    this.data = data;
  }
}

/** `-32602`: the request names something this session does not have, or is malformed. */
export function invalidParams(message: string, data?: unknown): WireError {
  return new WireError(ErrorCode.InvalidParams, message, data);
}

/** Runs an engine call and turns its local errors into JSON-RPC errors that name the problem. */
export async function toWireError<T>(call: Promise<T> | (() => Promise<T>)): Promise<T> {
  try {
    return await (typeof call === "function" ? call() : call);
  } catch (error) {
    throw asWireError(error);
  }
}

/** An engine error as the JSON-RPC error that names the problem; any other error as it is. */
export function asWireError(error: unknown): unknown {
  if (!(error instanceof McpcError)) return error;
  const code = error.code === "SHUTTING_DOWN" || error.code === "TASK_LIMIT" || error.code === "REPLICA_UNREACHABLE" ? ErrorCode.InternalError : ErrorCode.InvalidParams;
  return new WireError(code, error.message, { mcpcCode: error.code });
}
