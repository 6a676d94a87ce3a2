import type { ServerResponse } from "node:http";
import { JSONRPCMessageSchema, type JSONRPCErrorResponse, type RequestId } from "@modelcontextprotocol/sdk/types.js";
import { diagnoseEnvelope } from "../../protocol/envelope.js";

/**
 * The answers a POST body is owed instead of being handed to the SDK, or
 * undefined when the SDK should have it.
 *
 * The SDK transports check each message against the JSON-RPC schema and refuse
 * the whole body when one fails (`400`, `-32700`, `id: null`): a request whose id
 * could be read never gets an answer its client can match. Here the body is still
 * in hand, so the same schema decides what is invalid, and the protocol's own
 * {@link diagnoseEnvelope} (shared with stdio) says which id to answer and what to say.
 *
 * - One message: its error (`-32600`, naming the field), with its id, when the
 *   id is readable and it is a request; otherwise the SDK answers as before.
 * - A batch with an invalid message: every request of the batch whose id is
 *   readable gets an error with its id (an invalid one its own fault, a valid one
 *   that it was not run), since the SDK would refuse them all.
 */
export function faultAnswers(body: unknown): JSONRPCErrorResponse | JSONRPCErrorResponse[] | undefined {
  if (!Array.isArray(body)) return faultOf(body);
  const invalid = body.findIndex((message: unknown) => !JSONRPCMessageSchema.safeParse(message).success);
  if (invalid < 0) return undefined;
  const answers: JSONRPCErrorResponse[] = [];
  for (const message of body as unknown[]) {
    const parsed = JSONRPCMessageSchema.safeParse(message);
    if (!parsed.success) {
      const problem = diagnoseEnvelope(message, parsed.error.issues);
      if (problem.id !== null) answers.push(errorAnswer(problem.id, problem.code, problem.message));
    } else if ("method" in parsed.data && "id" in parsed.data) {
      const why = `Invalid Request: not run, because message ${invalid} of the same batch is invalid; send it again without that one.`;
      answers.push(errorAnswer(parsed.data.id, -32600, why));
    }
  }
  // No request to answer by id: the SDK's own refusal (`id: null`) says as much.
  return answers.length > 0 ? answers : undefined;
}

/** Answers a POST with the errors of {@link faultAnswers}: `400`, a JSON-RPC error (or a batch of them) carrying the ids. */
export function answerFaults(response: ServerResponse, answers: JSONRPCErrorResponse | JSONRPCErrorResponse[]): void {
  response.writeHead(400, { "Content-Type": "application/json" });
  response.end(JSON.stringify(answers));
}

function faultOf(message: unknown): JSONRPCErrorResponse | undefined {
  const parsed = JSONRPCMessageSchema.safeParse(message);
  if (parsed.success) return undefined;
  const problem = diagnoseEnvelope(message, parsed.error.issues);
  return problem.id === null ? undefined : errorAnswer(problem.id, problem.code, problem.message);
}

function errorAnswer(id: RequestId, code: number, message: string): JSONRPCErrorResponse {
  return { jsonrpc: "2.0", id, error: { code, message } };
}
