/** The fastmcp 4.20 server over stdio (tools in fastmcpTools.ts). */
import { benchServer } from "./fastmcpTools.js";

process.stdin.once("end", () => process.exit(0));
await benchServer().start({ transportType: "stdio" });
