/** The mcpc server over stdio (tools in mcpcTools.ts). */
import { BENCH_OPTIONS, BenchTools } from "./mcpcTools.js";

await new BenchTools(BENCH_OPTIONS).serve();
