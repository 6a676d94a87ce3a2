import type { CallRuntime } from "../call/callSession.js";
import type { PromptDefinition } from "../definitions/promptDefinitions.js";
import type { ResourceDefinition } from "../definitions/resourceDefinitions.js";
import type { Logger } from "../util/logger.js";
import type { Inboxes } from "../call/inboxes.js";
import type { ResolvedMcpTasksOptions } from "../rungs/mcpTasks/mcpTaskOptions.js";

/**
 * What a session needs from the server it belongs to: what a call needs
 * (`CallRuntime`), plus what `initialize` reports and the catalog it serves.
 * `McpcRuntime` is one; a session never reaches for the server class itself.
 */
export interface SessionRuntime extends CallRuntime {
  readonly options: CallRuntime["options"] & { readonly version: string; readonly instructions?: string | undefined };
  readonly resources: readonly ResourceDefinition[];
  readonly prompts: ReadonlyMap<string, PromptDefinition>;
  readonly logger: Logger;
  /** MCP tasks as served; undefined: none are (the server has no background tool). */
  readonly mcpTasks: ResolvedMcpTasksOptions | undefined;
  readonly inboxes: Inboxes;
}
