/**
 * MCPC for servers built directly on the SDK: `import { attach } from "mcpc/helper"`.
 * The counterpart of the Python `MCPCHelper`; see docs/guide-plain-sdk.md.
 *
 * @module mcpc/helper
 */
export { McpcHelper, attach } from "./mcpcHelper.js";
export type { McpcHelperOptions, MessageFields, TaskWorker, ToolCallExtra } from "./mcpcHelper.js";
export type { TaskContext, ToolContext } from "../call/context.js";
export type { LegacyProtocolInfo } from "../protocol/legacy.js";
export { McpcError } from "../errors.js";
export type {
  McpcMessage,
  McpcTaskMessage,
  McpcServerEventMessage,
  TaskEventName,
  TaskSnapshot,
} from "../protocol/message.js";
