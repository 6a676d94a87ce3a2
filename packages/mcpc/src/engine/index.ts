/**
 * The task engine on its own: `import { TaskRegistry } from "mcpc/engine"`.
 * For people who run tasks without an `McpcServer` (their own SDK server, a
 * worker) and for people who write a {@link TaskStore} (on Redis, say). A server
 * author rarely needs it: `McpcServer` makes its engine from `tasks` options and
 * offers it as `server.runtime.registry`. See docs/tasks.md.
 *
 * @example
 * ```ts
 * import { MemoryTaskStore, TaskRegistry } from "mcpc/engine";
 *
 * const registry = new TaskRegistry({ store: new MemoryTaskStore(), heartbeatMs: 5_000 });
 * await registry.start({
 *   owner: "session-1",
 *   toolName: "count",
 *   run: async function* () {
 *     yield 1;
 *     return "done";
 *   },
 *   onEvent: ({ event, seq, payload }) => console.error(seq, event, payload),
 * });
 * ```
 *
 * @module mcpc/engine
 */

// The engine
export { TaskRegistry } from "../tasks/taskRegistry.js";
export type { TaskEngineOptions } from "../tasks/engineOptions.js";
export type { TaskStartSpec, TaskRunControls, TaskEvent, TaskEngineStats } from "../tasks/taskSpec.js";
export type { TaskPage, TaskPageRequest } from "../tasks/taskPage.js";
export type { StopListener, StopSource } from "../tasks/taskControl.js";

// Where records live
export { MemoryTaskStore } from "../tasks/memoryTaskStore.js";
export type { TaskStore, TaskRecord, MaybePromise } from "../tasks/taskStore.js";

// How replicas that share a store reach each other's tasks
export type { TaskControlChannel, RemoteRequest, RemoteRequestKind, RemoteAnswers, RemoteHandler } from "../tasks/controlChannel.js";
export type { RemoteActions } from "../tasks/remoteTasks.js";

// The protocol types the engine's records and events are written in
export type { TaskSnapshot, TaskStatus, TaskEventName } from "../protocol/message.js";
export { McpcError } from "../errors.js";
export type { McpcErrorCode } from "../errors.js";
