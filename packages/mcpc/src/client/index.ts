/**
 * The MCPC client: `import { McpcClient } from "mcpc/client"`.
 *
 * @module mcpc/client
 */
export { McpcClient } from "./mcpcClient.js";
export type { McpcListener, McpcListenerMessage, CallToolOptions, McpcClientOptions, McpcDialect } from "./clientOptions.js";
export type { LegacyServer } from "./legacyHandshake.js";
export type { LegacyProtocolInfo, LegacyHandshakeTool } from "../protocol/legacy.js";
export { TaskHandle } from "./taskHandle.js";
export type { TaskMode, TaskHandleEvent } from "./taskHandle.js";
export type { SendOutcome, TaskQuestion } from "./taskInput.js";
export type { LoggedTaskEvent, ReplayOptions } from "./taskReplay.js";
export { McpcClientTransport } from "./clientTransport.js";
export type { ClientTransportHooks } from "./clientTransport.js";
export { McpcError } from "../errors.js";
export type { McpcErrorCode } from "../errors.js";
export type {
  McpcMessage,
  McpcTaskMessage,
  McpcServerEventMessage,
  McpcInputRequiredMessage,
  TaskSnapshot,
  TaskStatus,
  TaskEventName,
} from "../protocol/message.js";
