/**
 * mcpc: MCP servers whose tools run for a long time.
 *
 * The server side: decorators, the server base class, the task engine and the
 * MCPC message types. The client lives at `mcpc/client`.
 *
 * @module mcpc
 */

// Declaring tools
export { Tool } from "./decorators/tool.js";
export type { ToolDecorator } from "./decorators/tool.js";
export type { ToolOptions, ToolAnnotations, ObjectSchema } from "./decorators/toolOptions.js";

// Declaring resources and prompts
export { Resource } from "./decorators/resource.js";
export type { ResourceDecorator } from "./decorators/resource.js";
export type { ResourceOptions, StaticResourceOptions, TemplateResourceOptions, Completer } from "./decorators/resourceOptions.js";
export { Prompt } from "./decorators/prompt.js";
export type { PromptDecorator } from "./decorators/prompt.js";
export type { PromptOptions } from "./decorators/promptOptions.js";
export type { MethodDecorator } from "./decorators/metadata.js";

// Serving
export { McpcServer, createServer } from "./runtime/mcpcServer.js";
export type { McpcServerOptions, ServeOptions, StdioServeOptions, HttpServeOptions, ToolProvider } from "./runtime/mcpcServer.js";
export type { SessionOptions, SessionClosePolicy, TransportKind } from "./runtime/sessionOptions.js";
export type { OutboundGauge } from "./runtime/outbound.js";
export type { StdioOptions } from "./runtime/stdio.js";
export type { EmitOptions } from "./runtime/runtime.js";
export type {
  ToolContext,
  TaskContext,
  ResourceContext,
  PromptContext,
  ElicitResult,
  ClientRequestOptions,
  SampleRequest,
  SampleResult,
} from "./runtime/context.js";
export type { ToolLogger, Logger, LogLevel } from "./runtime/logger.js";

// The task engine
export { TaskRegistry } from "./tasks/taskRegistry.js";
export type { TaskEngineOptions, TaskEvent, TaskStartSpec, TaskRunControls } from "./tasks/taskRegistry.js";
export type { StopListener, StopSource } from "./tasks/taskControl.js";
export { MemoryTaskStore } from "./tasks/memoryTaskStore.js";
export type { TaskStore, TaskRecord, MaybePromise } from "./tasks/taskStore.js";

// The protocol
export {
  MCPC_PROTOCOL,
  MCPC_NATIVE_VERSION,
  MCPC_CAPABILITY,
  MCPC_TASK_META,
  MCPC_NOTIFICATION,
  MCPC_METHODS,
  createTaskMessage,
  createServerEventMessage,
  isMcpcMessage,
} from "./protocol/message.js";
export type {
  McpcMessage,
  McpcTaskMessage,
  McpcServerEventMessage,
  McpcHeartbeatMessage,
  McpcWireMessage,
  TaskEventName,
  TaskStatus,
  TaskSnapshot,
} from "./protocol/message.js";

// Errors
export { McpcError } from "./errors.js";
export type { McpcErrorCode } from "./errors.js";
