// prelude "client": the client-side imports, and the names the client snippets take as given.
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import { McpcClient, type McpcTaskMessage, type TaskHandle, type TaskHandleEvent } from "mcpc/client";
/** Milliseconds since start, padded (the demo's clock). */
declare function at(): string;
declare const serverPath: string;
declare const url: string;
declare const transport: Transport;
