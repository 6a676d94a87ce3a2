import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import type { z } from "zod";
import { McpcError } from "../errors.js";
import { toLocalError } from "./answers.js";
import type { McpcDialect } from "./clientOptions.js";

/**
 * Sends one of the native task requests (`mcpc/tasks/get`, `stop`, `list`,
 * `send`) and reads its answer with `schema`; a wire error the server marked
 * with an mcpc code becomes that McpcError. On a connection that is not native,
 * refuses at once, saying why (the request does not exist there).
 */
export async function requestNative<T extends z.ZodType>(sdk: Client, dialect: McpcDialect, method: string, params: Record<string, unknown>, schema: T): Promise<z.infer<T>> {
  if (dialect !== "native") {
    const what = method.split("/").pop() ?? method;
    throw new McpcError(
      "INVALID_STATE",
      dialect === "legacy"
        ? `The server speaks the legacy (Python mcpc 0.2.x) dialect, which has no request to ${what} a task.`
        : `The server does not speak MCPC, so it has no tasks to ${what}.`,
    );
  }
  try {
    return (await sdk.request({ method, params } as never, schema as never)) as z.infer<T>;
  } catch (error) {
    throw toLocalError(error);
  }
}
