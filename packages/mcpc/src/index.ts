/**
 * mcpc: MCP servers whose tools run for a long time.
 *
 * The server side: decorators, the server base class, its runtime and the MCPC
 * message types. The client lives at `mcpc/client`, the task engine on its own
 * (`TaskRegistry`, task stores) at `mcpc/engine`.
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
export type { McpcMethodDecorator } from "./decorators/metadata.js";

// Serving
export { McpcServer, createServer } from "./server/mcpcServer.js";
export type { McpcServerOptions, ToolProvider } from "./server/mcpcServer.js";
export type { McpTasksOptions } from "./rungs/mcpTasks/mcpTaskOptions.js";
export type { JobHandleOptions } from "./rungs/handles/handleOptions.js";
export type { InboxOptions } from "./call/inboxes.js";
export type { ServeOptions, StdioServeOptions, HttpServeOptions } from "./server/serveOptions.js";
export type { SessionOptions, SessionClosePolicy, TransportKind } from "./session/sessionOptions.js";
export type { OutboundGauge } from "./session/outbound.js";
export type { StdioOptions } from "./transports/stdio.js";
export type { ServerRuntime, RuntimeEvent, RuntimeObserver } from "./server/serverRuntime.js";
export type { EmitOptions } from "./server/runtime.js";
export type {
  ToolContext,
  TaskContext,
  ResourceContext,
  PromptContext,
  ElicitResult,
  ClientRequestOptions,
  SampleRequest,
  SampleResult,
  AskOptions,
  TaskInboxReader,
} from "./call/context.js";
export type { ToolLogger, Logger, LogLevel } from "./util/logger.js";

// The task engine, as a server author configures it; the engine itself (TaskRegistry, stores) is at `mcpc/engine`
export type { TaskEngineOptions } from "./tasks/engineOptions.js";

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

// For runners such as the mcpc CLI
/** The `globalThis` key under which a runner (`mcpc serve`) installs its {@link ServeRunner}: the hand-over of a file's own `serve()` call. */
export { SERVE_RUNNER_KEY } from "./server/serveRunner.js";
/** What a runner installs under {@link SERVE_RUNNER_KEY}: it adopts the server a file's `serve()` call hands it. */
export type { ServeRunner } from "./server/serveRunner.js";
