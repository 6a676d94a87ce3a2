import { defineCommand } from "citty";
import { connectClient } from "./connect.js";

interface PropertySchema {
  type?: string | string[];
  description?: string;
  enum?: unknown[];
  items?: PropertySchema;
}

/** `mcpc tools <server>`: the server's tools with their arguments. */
export const toolsCommand = defineCommand({
  meta: { name: "tools", description: "List a server's tools and their arguments (name, type, required)" },
  args: {
    server: { type: "positional", description: "A command that starts a stdio server (quoted), or an http(s):// URL", required: true },
  },
  async run({ args }) {
    const client = await connectClient(args.server);
    try {
      const { tools } = await client.sdk.listTools();
      process.stdout.write(formatTools(tools));
    } finally {
      await client.close();
    }
  },
});

/** One block per tool: name, description, then one line per argument. */
export function formatTools(tools: readonly { name: string; description?: string; inputSchema: { properties?: Record<string, object>; required?: string[] } }[]): string {
  if (tools.length === 0) return "(no tools)\n";
  const lines: string[] = [];
  for (const tool of tools) {
    lines.push(tool.description ? `${tool.name}  ${tool.description}` : tool.name);
    const required = new Set(tool.inputSchema.required ?? []);
    const properties = Object.entries(tool.inputSchema.properties ?? {}) as [string, PropertySchema][];
    if (properties.length === 0) lines.push("    (no arguments)");
    for (const [name, schema] of properties) {
      const description = schema.description ? `  ${schema.description}` : "";
      lines.push(`    ${name}: ${typeName(schema)}${required.has(name) ? " (required)" : " (optional)"}${description}`);
    }
  }
  return `${lines.join("\n")}\n`;
}

function typeName(schema: PropertySchema): string {
  if (schema.enum) return schema.enum.map((value) => JSON.stringify(value)).join(" | ");
  const type = Array.isArray(schema.type) ? schema.type.join(" | ") : (schema.type ?? "any");
  return type === "array" && schema.items ? `${typeName(schema.items)}[]` : type;
}
