import type { Server } from "@modelcontextprotocol/sdk/server/index.js";
import type { RequestHandlerExtra } from "@modelcontextprotocol/sdk/shared/protocol.js";
import {
  CreateMessageResultSchema,
  ElicitResultSchema,
  type ElicitRequestFormParams,
  type ServerNotification,
  type ServerRequest,
} from "@modelcontextprotocol/sdk/types.js";
import { z } from "zod";
import { McpcError } from "../errors.js";
import type { ObjectSchema } from "../decorators/toolOptions.js";
import type { ClientRequestOptions, ElicitResult, SampleRequest, SampleResult } from "./context.js";

type Extra = RequestHandlerExtra<ServerRequest, ServerNotification>;

/**
 * How a call's requests to the client are sent: `extra.sendRequest` while the
 * call is open (over Streamable HTTP they travel on the call's own stream), the
 * session's `server.request` once it has answered (a background task after
 * `created`: the call's stream is gone, the session's GET stream carries them).
 */
export type SendClientRequest = Extra["sendRequest"];

/**
 * `ctx.elicit` and `ctx.sample` of one call: server-to-client requests sent with `send`.
 * `signal` (the call's, or the task's) cancels a request still waiting for its answer.
 */
export async function elicitFrom<S extends ObjectSchema>(
  server: Server,
  send: SendClientRequest,
  toolName: string,
  signal: AbortSignal,
  message: string,
  schema: S,
  options: ClientRequestOptions = {},
): Promise<ElicitResult<z.output<S>>> {
  requireCapability(server, toolName, "elicitation", "ctx.elicit()");
  const requestedSchema = z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as Record<string, unknown>;
  delete requestedSchema.$schema;
  const params = { message, requestedSchema } as ElicitRequestFormParams;
  const answer = await send({ method: "elicitation/create", params }, ElicitResultSchema, {
    signal,
    ...(options.timeoutMs !== undefined && { timeout: options.timeoutMs }),
  });
  if (answer.action !== "accept") return { action: answer.action };
  const parsed = schema.safeParse(answer.content ?? {});
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.map(String).join(".") || "(content)"}: ${issue.message}`);
    throw new McpcError("INVALID_CLIENT_RESPONSE", `Tool "${toolName}": the client accepted the elicitation with content that does not match its schema: ${problems.join("; ")}.`);
  }
  return { action: "accept" as const, content: parsed.data as z.output<S> };
}

/** See {@link elicitFrom}. */
export async function sampleFrom(
  server: Server,
  send: SendClientRequest,
  toolName: string,
  signal: AbortSignal,
  request: SampleRequest,
  options: ClientRequestOptions = {},
): Promise<SampleResult> {
  requireCapability(server, toolName, "sampling", "ctx.sample()");
  return send({ method: "sampling/createMessage", params: request }, CreateMessageResultSchema, {
    signal,
    ...(options.timeoutMs !== undefined && { timeout: options.timeoutMs }),
  });
}

function requireCapability(server: Server, toolName: string, capability: "elicitation" | "sampling", api: string): void {
  if (server.getClientCapabilities()?.[capability]) return;
  const client = server.getClientVersion()?.name ?? "the client";
  throw new McpcError(
    "CLIENT_CAPABILITY_MISSING",
    `Tool "${toolName}" called ${api}, which needs the client to declare the "${capability}" capability in initialize; ${client} did not. ` +
      `Use a client that supports ${capability}, or let the tool work without it.`,
  );
}
