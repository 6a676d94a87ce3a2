/**
 * Serves the tools on stdin/stdout, the way Claude Desktop, VS Code and Cursor start
 * MCP servers. Nothing else may write to stdout: log with console.error.
 */
import { Tools } from "./tools.js";

await new Tools({ name: "{{name}}", version: "0.1.0" }).serve();
