import { McpcError } from "../errors.js";
import { ownPromptRecords, ownResourceRecords, ownToolRecords, type MethodRecord } from "../decorators/metadata.js";
import { collectRecords } from "./toolDefinitions.js";

/**
 * Refuses a `@Tool`, `@Resource` or `@Prompt` method whose name is a member of
 * the base class (`close`, `emit`, `serve`, `connect`, `runtime`, …): declared
 * on a subclass, it would silently replace the server's own method, and the
 * server would break in a way nobody could trace back to the tool.
 * @throws McpcError `INVALID_TOOL_DEFINITION` naming the method, the decorator and the fix
 */
export function checkReservedMethods(instance: object, base: object, baseName: string): void {
  const kinds: Array<[string, (ctor: object) => MethodRecord[]]> = [
    ["@Tool", ownToolRecords],
    ["@Resource", ownResourceRecords],
    ["@Prompt", ownPromptRecords],
  ];
  for (const [decorator, own] of kinds) {
    for (const methodName of collectRecords(instance, own).keys()) {
      if (typeof methodName !== "string" || !(methodName in base)) continue;
      throw new McpcError(
        "INVALID_TOOL_DEFINITION",
        `${decorator} method "${methodName}" of ${instance.constructor.name} would replace ${baseName}'s own "${methodName}", which the server needs. ` +
          `Rename the method (the tool keeps its name with ${decorator}({ name: "${methodName}" })).`,
      );
    }
  }
}
