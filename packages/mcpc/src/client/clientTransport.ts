import type { Transport, TransportSendOptions } from "@modelcontextprotocol/sdk/shared/transport.js";
import type { JSONRPCMessage, JSONRPCRequest, MessageExtraInfo, ProgressNotificationParams, RequestId } from "@modelcontextprotocol/sdk/types.js";
import { TransportDecorator } from "../util/transportDecorator.js";
import { MCPC_NOTIFICATION, MCPC_TASK_META, type McpcWireMessage } from "../protocol/message.js";
import { LEGACY_CALLBACK_ID, messagesInResult, readLegacyTag } from "../protocol/legacy.js";

/** What the client transport reports to the client. */
export interface ClientTransportHooks {
  /** A native MCPC message, or a legacy `MCPC_CALLBACK`'s message, arrived (it is not passed on to the SDK). */
  onMcpcMessage(message: McpcWireMessage): void;
  /** The answer to a tagged `tools/call` arrived, before the SDK sees it. */
  onTaggedAnswer(taskId: string, result: unknown): void;
  /** A `notifications/progress` of a call made through the client's `callTool` arrived (it is passed on to the SDK too, which resets the call's timeout on it). */
  onProgress(handleId: string, params: ProgressNotificationParams): void;
  /** The answer to a task-augmented call made through the client's `callTool` arrived (a `CreateTaskResult`, or a plain result), before the SDK sees it. */
  onTaskAnswer?(handleId: string, result: Record<string, unknown>): void;
  /** A `notifications/tasks/status` arrived (it is passed on to the SDK too). */
  onTaskStatus?(params: Record<string, unknown>): void;
  /** A `notifications/tools/list_changed` arrived (it is passed on to the SDK too). */
  onToolListChanged?(): void;
  /** The connection closed. */
  onClose?(): void;
}

/**
 * Where `McpcClient.callTool` names its handle in an outgoing call's `_meta`.
 * The transport takes it out before the message is written: it never reaches the server.
 */
export const LOCAL_HANDLE_META = "mcpc/local-handle";

/**
 * How progress tokens the client chooses itself begin (those of task-augmented
 * calls). The SDK's own tokens are numbers, so a string token with this prefix
 * is never one the SDK waits for: its notifications are not passed on, even
 * after the task ended (the SDK would report an unknown token).
 */
export const OWN_PROGRESS_TOKEN_PREFIX = "mcpc-task:";

/**
 * Decorates the SDK client's transport. MCPC messages are taken out of the
 * stream before the SDK protocol layer (no per-event schema parse, no
 * "unknown notification"), and the answer to a tagged call is shown to the
 * client before the SDK resolves the call, so `created` is delivered before
 * any event that followed it on the wire. Legacy `MCPC_CALLBACK` responses
 * (Python mcpc servers) are taken out too: the SDK would report them as
 * answers to an unknown request.
 */
export class McpcClientTransport extends TransportDecorator {
  readonly #hooks: ClientTransportHooks;
  /** Request id of each tagged `tools/call` in flight → its task id. */
  readonly #tagged = new Map<RequestId, string>();
  /** Progress token of each `callTool` call in flight → its handle; request id → that token, to forget it on the answer. */
  readonly #progressHandles = new Map<string | number, string>();
  readonly #progressTokens = new Map<RequestId, string | number>();
  /** Request id of each task-augmented `callTool` call not answered yet → its handle. */
  readonly #taskCalls = new Map<RequestId, string>();
  /** Handle → progress token, for the calls that became tasks: routed until {@link release}. */
  readonly #taskTokens = new Map<string, string | number>();

  constructor(inner: Transport, hooks: ClientTransportHooks) {
    super(inner);
    this.#hooks = hooks;
    const passOn = inner.onclose;
    inner.onclose = () => {
      this.#hooks.onClose?.();
      passOn?.();
    };
  }

  /** Stops routing the progress of a task-augmented call (its task ended). */
  release(handleId: string): void {
    const token = this.#taskTokens.get(handleId);
    if (token === undefined) return;
    this.#taskTokens.delete(handleId);
    this.#progressHandles.delete(token);
  }

  override send(message: JSONRPCMessage, options?: TransportSendOptions): Promise<void> {
    if ("method" in message && message.method === "tools/call" && "id" in message) {
      const call = this.#takeLocalHandle(message as JSONRPCRequest);
      this.#rememberTag(call);
      return this.inner.send(call, options);
    }
    return this.inner.send(message, options);
  }

  /** Remembers the task id of a tagged call (native `_meta` tag or legacy argument tag), to show its answer first. */
  #rememberTag(message: JSONRPCRequest): void {
    const tag = message.params?._meta?.[MCPC_TASK_META] as { task_id?: unknown } | undefined;
    if (typeof tag?.task_id === "string") this.#tagged.set(message.id, tag.task_id);
    const args = message.params?.arguments;
    const legacy = typeof args === "object" && args !== null ? readLegacyTag(args as Record<string, unknown>) : undefined;
    if (legacy?.ok && legacy.tag?.taskId !== undefined) this.#tagged.set(message.id, legacy.tag.taskId);
  }

  /** Takes {@link LOCAL_HANDLE_META} out of an outgoing call and remembers its progress token for that handle. */
  #takeLocalHandle(message: JSONRPCRequest): JSONRPCRequest {
    const params = message.params;
    const meta = params?._meta;
    const handleId = meta?.[LOCAL_HANDLE_META];
    if (params === undefined || meta === undefined || typeof handleId !== "string") return message;
    const { [LOCAL_HANDLE_META]: _local, ...rest } = meta;
    const token = rest.progressToken;
    if (typeof token === "string" || typeof token === "number") {
      this.#progressHandles.set(token, handleId);
      this.#progressTokens.set(message.id, token);
    }
    if (typeof params.task === "object" && params.task !== null) this.#taskCalls.set(message.id, handleId);
    const cleaned = Object.keys(rest).length > 0 ? { ...params, _meta: rest } : withoutMeta(params);
    return { ...message, params: cleaned };
  }

  protected override receive(message: JSONRPCMessage, extra?: MessageExtraInfo): void {
    if ("method" in message) {
      if (message.method === MCPC_NOTIFICATION && !("id" in message)) {
        this.#hooks.onMcpcMessage(message.params as unknown as McpcWireMessage);
        return;
      }
      if (message.method === "notifications/progress") {
        // Delivered here, in wire order: the SDK runs progress handlers a microtask
        // later and drops those that shared a read with the call's answer (typescript-sdk#2580).
        const params = message.params as ProgressNotificationParams | undefined;
        const handleId = params === undefined ? undefined : this.#progressHandles.get(params.progressToken);
        if (handleId !== undefined && params !== undefined) this.#hooks.onProgress(handleId, params);
        if (typeof params?.progressToken === "string" && params.progressToken.startsWith(OWN_PROGRESS_TOKEN_PREFIX)) return;
      } else if (message.method === "notifications/tasks/status" && message.params) {
        this.#hooks.onTaskStatus?.(message.params);
      } else if (message.method === "notifications/tools/list_changed") {
        this.#hooks.onToolListChanged?.();
      }
    } else if ("id" in message && message.id === LEGACY_CALLBACK_ID) {
      if ("result" in message) for (const event of messagesInResult(message.result)) this.#hooks.onMcpcMessage(event);
      return;
    } else if ("id" in message && message.id !== undefined) {
      const id = message.id;
      if ("result" in message) message = { ...message, result: withoutNullAnnotations(message.result) };
      const token = this.#progressTokens.get(id);
      const taskHandle = this.#taskCalls.get(id);
      this.#taskCalls.delete(id);
      // A created task keeps its call's progress token: the task reports on it until it ends.
      const created = taskHandle !== undefined && "result" in message && isCreateTaskResult(message.result);
      if (token !== undefined) {
        this.#progressTokens.delete(id);
        if (created) this.#taskTokens.set(taskHandle, token);
        else this.#progressHandles.delete(token);
      }
      if (taskHandle !== undefined && "result" in message) this.#hooks.onTaskAnswer?.(taskHandle, message.result);
      const taskId = this.#tagged.get(id);
      if (taskId !== undefined) {
        this.#tagged.delete(id);
        if ("result" in message) this.#hooks.onTaggedAnswer(taskId, message.result);
      }
    }
    this.onmessage?.(message, extra);
  }
}

function isCreateTaskResult(result: Record<string, unknown>): boolean {
  const task = result.task as { taskId?: unknown } | null | undefined;
  return typeof task === "object" && task !== null && typeof task.taskId === "string";
}

function withoutMeta(params: Record<string, unknown>): Record<string, unknown> {
  const { _meta: _none, ...rest } = params;
  return rest;
}

/**
 * Python servers (pydantic) write `"annotations": null` in content items, which
 * the SDK's result schema refuses: such answers would fail the call. Null means
 * "none", so the key is dropped.
 */
function withoutNullAnnotations<T extends Record<string, unknown>>(result: T): T {
  const content = result.content;
  if (!Array.isArray(content) || !content.some((item) => (item as { annotations?: unknown } | null)?.annotations === null)) return result;
  const cleaned = content.map((item: Record<string, unknown>) => {
    if (item.annotations !== null) return item;
    const { annotations: _null, ...rest } = item;
    return rest;
  });
  return { ...result, content: cleaned };
}
