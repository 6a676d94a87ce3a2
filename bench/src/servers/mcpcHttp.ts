/** The mcpc server over Streamable HTTP on 127.0.0.1 (tools in mcpcTools.ts), with every HTTP default. */
import { BENCH_OPTIONS, BenchTools } from "./mcpcTools.js";
import { announceListening, portArg } from "./common.js";

const serving = await new BenchTools(BENCH_OPTIONS).serve({ transport: "http", port: portArg(), host: "127.0.0.1" });
announceListening(serving.port);
