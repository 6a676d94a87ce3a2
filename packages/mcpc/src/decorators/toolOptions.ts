import type { z } from "zod";

/** Hints about a tool's behaviour, passed to clients as MCP tool annotations. */
export interface ToolAnnotations {
  title?: string;
  readOnlyHint?: boolean;
  destructiveHint?: boolean;
  idempotentHint?: boolean;
  openWorldHint?: boolean;
}

/** A zod 4 object schema (any `z.object(...)`, `z.strictObject(...)`, `z.looseObject(...)`). */
export type ObjectSchema = z.ZodObject;

/** What `@Tool` takes. */
export interface ToolOptions {
  /** The tool's name on the wire. Default: the method name in snake_case (`processData` → `process_data`). */
  name?: string;
  /** A human-readable title. */
  title?: string;
  /** What the tool does, for the model. */
  description?: string;
  /** The arguments, as a zod 4 object schema. Default: no arguments. */
  input?: ObjectSchema;
  /** The shape of the result (`structuredContent`), as a zod 4 object schema. */
  output?: ObjectSchema;
  /**
   * A long-running tool (the method must be `async *`): MCPC clients get a
   * background task, every other client the synchronous fallback.
   */
  background?: boolean;
  /**
   * How a background tool is offered to clients that speak MCP tasks (spec
   * 2025-11-25): `"optional"` (the default) lists it with
   * `execution: { taskSupport: "optional" }`; `"required"` also refuses a plain
   * call (no task asked for, no MCPC tag) with `-32601`. Only for `background: true`.
   */
  taskSupport?: "optional" | "required";
  /**
   * A background tool's job-handle threshold (ms), overriding the server's
   * `jobHandles.afterMs`: a plain client's call still running after it is
   * answered with a handle and the task runs on. `false`: its plain calls wait
   * for the end. Not for tools with an `output` schema (their calls always wait).
   */
  handleAfterMs?: number | false;
  /**
   * What a background tool's task accepts while it runs, as a zod 4 schema (a
   * string, an object, …): messages sent to it (`mcpc/tasks/send`, the
   * `task_send` tool, `TaskHandle.send`) are validated against it and read in
   * order from `task.inbox`. Without it the task takes no messages (it can still `ask`).
   */
  accepts?: z.ZodType;
  /** MCP tool annotations. */
  annotations?: ToolAnnotations;
}
