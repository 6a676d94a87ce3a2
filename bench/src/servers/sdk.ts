/** The raw SDK server over stdio (tools in sdkTools.ts). */
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { benchServer } from "./sdkTools.js";

process.stdin.once("end", () => process.exit(0));
await benchServer().connect(new StdioServerTransport());
