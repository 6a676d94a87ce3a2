// prelude "server": the server-side imports, and the names the server snippets take as given.
import { createServer, McpcError, McpcServer, Prompt, Resource, Tool, type TaskContext, type ToolContext } from "mcpc";
import { z } from "zod";
declare class DataTools extends McpcServer {}
declare class MathTools extends McpcServer {}
declare const finalized: string[];
declare const notes: Map<string, string>;
