import type { ObjectSchema } from "./toolOptions.js";
import type { Completer } from "./resourceOptions.js";

/** What `@Prompt` takes. */
export interface PromptOptions {
  /** The prompt's name on the wire. Default: the method name in snake_case. */
  name?: string;
  /** A human-readable title. */
  title?: string;
  /** What the prompt is for. */
  description?: string;
  /**
   * The arguments, as a zod 4 object schema. Prompt arguments travel as strings:
   * use `z.string()` fields (or `z.coerce.*`). Each field's `.describe()` is listed.
   */
  args?: ObjectSchema;
  /** Completions for arguments by name (`completion/complete` with `ref/prompt`). */
  complete?: Readonly<Record<string, Completer>>;
}
