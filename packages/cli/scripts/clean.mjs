// Empties dist/ before a build, so files of removed modules are not left behind (and packed).
import { rmSync } from "node:fs";

rmSync("dist", { recursive: true, force: true });
