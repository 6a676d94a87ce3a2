/**
 * Local errors of the mcpc family. Each has a stable string `code` and a message
 * that names the tool, task or argument at fault and says what to do about it.
 * Wire errors (JSON-RPC codes) are made from these at the edge (`session/wireError.ts`).
 */

/** Every code an {@link McpcError} can carry. */
export type McpcErrorCode =
  /** A `@Tool` definition is invalid (found at start-up). */
  | "INVALID_TOOL_DEFINITION"
  /** Two tools share one name. */
  | "DUPLICATE_TOOL"
  /** A `@Resource` definition is invalid (found at start-up). */
  | "INVALID_RESOURCE_DEFINITION"
  /** Two resources share one URI (or two templates one URI template). */
  | "DUPLICATE_RESOURCE"
  /** A `@Prompt` definition is invalid (found at start-up). */
  | "INVALID_PROMPT_DEFINITION"
  /** Two prompts share one name. */
  | "DUPLICATE_PROMPT"
  /** The client did not declare a capability a call needs (`ctx.elicit` needs `elicitation`, `ctx.sample` needs `sampling`). */
  | "CLIENT_CAPABILITY_MISSING"
  /** The client answered a server-to-client request with something the call cannot use. */
  | "INVALID_CLIENT_RESPONSE"
  /** A task id is unknown to the calling session (or belongs to another one). */
  | "UNKNOWN_TASK"
  /** A client-chosen task id is already used in its session. */
  | "DUPLICATE_TASK"
  /** The task queue of a session is full. */
  | "TASK_LIMIT"
  /** The server is shutting down and takes no new calls. */
  | "SHUTTING_DOWN"
  /** A task was stopped (what `TaskContext.sleep` rejects with). */
  | "TASK_STOPPED"
  /** A task ended `failed` (what `TaskHandle.value()` rejects with). */
  | "TASK_FAILED"
  /** A task ended `cancelled` (what `TaskHandle.value()` rejects with). */
  | "TASK_CANCELLED"
  /** An argument to an mcpc API is invalid. */
  | "INVALID_ARGUMENT"
  /** The server is used in a way its state does not allow (serving twice, ...). */
  | "INVALID_STATE"
  /** A value a tool yielded, returned or emitted cannot be sent as JSON (a BigInt, a circular object, ...). */
  | "UNSERIALIZABLE_VALUE"
  /** A message to a task does not match what its tool accepts (or the question's schema). */
  | "INVALID_MESSAGE"
  /** A task's inbox holds as many messages as it may: the sender should wait until the tool reads some. */
  | "INBOX_FULL"
  /** A message went to a task whose tool takes none (no `accepts`, no question asked). */
  | "NO_INBOX"
  /** A message went to a task that has ended. */
  | "TASK_ENDED"
  /** A task's question (`task.ask`) was not answered in time. */
  | "QUESTION_TIMEOUT"
  /** The user declined (or cancelled) a task's question (`task.ask` through an elicitation). */
  | "QUESTION_DECLINED"
  /** Another replica runs the task, still holds its lease, and did not answer a request forwarded to it in time (see docs/scaling.md). */
  | "REPLICA_UNREACHABLE";

/**
 * The one error class of mcpc.
 *
 * @example
 * ```ts
 * try { await client.stop("nope"); } catch (e) { if (e instanceof McpcError && e.code === "UNKNOWN_TASK") {} }
 * ```
 */
export class McpcError extends Error {
  /** A stable code to branch on. */
  readonly code: McpcErrorCode;

  constructor(code: McpcErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "McpcError";
    this.code = code;
  }
}

export { errorMessage } from "./util/describe.js";
