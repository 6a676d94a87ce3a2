// Empties dist/ before a build: bundled chunks carry a content hash and files of
// removed modules would otherwise stay behind (and be packed).
import { rmSync } from "node:fs";

rmSync("dist", { recursive: true, force: true });
