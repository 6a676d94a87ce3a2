/** The fastmcp 4.20 server over its `httpStream` transport (Streamable HTTP at /mcp, sessions on), every other option at its default. */
import { announceListening, portArg } from "./common.js";
import { benchServer } from "./fastmcpTools.js";

const port = portArg();
await benchServer().start({ transportType: "httpStream", httpStream: { port, host: "127.0.0.1" } });
announceListening(port);
// SIGTERM ends the process cleanly (when profiling, so that --cpu-prof writes its profile).
process.once("SIGTERM", () => process.exit(0));
