#!/usr/bin/env node
/**
 * The `mcpc` command: `mcpc serve`, `mcpc call`, `mcpc tools`. See docs/cli.md.
 */
import { defineCommand } from "citty";
import { callCommand } from "./callCommand.js";
import { runCli } from "./runCli.js";
import { serveCommand } from "./serveCommand.js";
import { toolsCommand } from "./toolsCommand.js";
import { CLI_VERSION } from "./version.js";

const main = defineCommand({
  meta: { name: "mcpc", version: CLI_VERSION, description: "Run, call and inspect MCPC servers" },
  subCommands: { serve: serveCommand, call: callCommand, tools: toolsCommand },
});

process.exitCode = await runCli(main, process.argv.slice(2));
// The client transports and the runner's listeners are closed by then; exit without waiting for stragglers (a stdio child's pipes).
process.exit();
