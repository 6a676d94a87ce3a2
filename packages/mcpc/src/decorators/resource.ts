import { methodDecorator, type McpcMethodDecorator } from "./metadata.js";
import type { ResourceOptions } from "./resourceOptions.js";

/** The decorator `@Resource` returns: usable under both decorator conventions. */
export type ResourceDecorator = McpcMethodDecorator;

/**
 * Marks a method as an MCP resource (`resources/list`, `resources/read`), at a
 * static `uri` or matched by a `uriTemplate`. The method receives the template's
 * variables (`{}` for a static URI) and a {@link ResourceContext}, and returns a
 * string (text), a `Uint8Array` (sent as a base64 blob) or `{ contents: [...] }`.
 * It only records; the server checks every record at start-up.
 *
 * @example
 * ```ts
 * class Notes extends McpcServer {
 *   @Resource({ uri: "config://app", mimeType: "application/json" })
 *   config() { return JSON.stringify({ theme: "dark" }); }
 *
 *   @Resource({ uriTemplate: "notes://{id}", description: "One note" })
 *   note({ id }: { id: string }) { return `note ${id}`; }
 * }
 * ```
 */
export function Resource(options: ResourceOptions): ResourceDecorator {
  return methodDecorator("@Resource", "resource", options);
}
