import type { Transport, TransportSendOptions } from "@modelcontextprotocol/sdk/shared/transport.js";
import type { JSONRPCMessage, MessageExtraInfo, RequestId } from "@modelcontextprotocol/sdk/types.js";
import { TransportDecorator } from "../util/transportDecorator.js";
import { MCPC_NOTIFICATION, MCPC_TASK_META, type McpcWireMessage } from "../protocol/message.js";
import { LEGACY_CALLBACK_ID, messagesInResult, readLegacyTag } from "../protocol/legacy.js";

/** What the client transport reports to the client. */
export interface ClientTransportHooks {
  /** A native MCPC message, or a legacy `MCPC_CALLBACK`'s message, arrived (it is not passed on to the SDK). */
  onMcpcMessage(message: McpcWireMessage): void;
  /** The answer to a tagged `tools/call` arrived, before the SDK sees it. */
  onTaggedAnswer(taskId: string, result: unknown): void;
}

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

  constructor(inner: Transport, hooks: ClientTransportHooks) {
    super(inner);
    this.#hooks = hooks;
  }

  override send(message: JSONRPCMessage, options?: TransportSendOptions): Promise<void> {
    if ("method" in message && message.method === "tools/call" && "id" in message) {
      const meta = (message.params as { _meta?: Record<string, unknown> } | undefined)?._meta;
      const tag = meta?.[MCPC_TASK_META] as { task_id?: unknown } | undefined;
      if (typeof tag?.task_id === "string") this.#tagged.set(message.id, tag.task_id);
      const args = (message.params as { arguments?: unknown } | undefined)?.arguments;
      const legacy = typeof args === "object" && args !== null ? readLegacyTag(args as Record<string, unknown>) : undefined;
      if (legacy?.ok && legacy.tag?.taskId !== undefined) this.#tagged.set(message.id, legacy.tag.taskId);
    }
    return this.inner.send(message, options);
  }

  protected override receive(message: JSONRPCMessage, extra?: MessageExtraInfo): void {
    if ("method" in message) {
      if (message.method === MCPC_NOTIFICATION && !("id" in message)) {
        this.#hooks.onMcpcMessage(message.params as unknown as McpcWireMessage);
        return;
      }
    } else if ("id" in message && message.id === LEGACY_CALLBACK_ID) {
      if ("result" in message) for (const event of messagesInResult(message.result)) this.#hooks.onMcpcMessage(event);
      return;
    } else if ("id" in message && message.id !== undefined) {
      const id = message.id;
      if ("result" in message) message = { ...message, result: withoutNullAnnotations(message.result) };
      const taskId = this.#tagged.get(id);
      if (taskId !== undefined) {
        this.#tagged.delete(id);
        if ("result" in message) this.#hooks.onTaggedAnswer(taskId, message.result);
      }
    }
    this.onmessage?.(message, extra);
  }
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
