import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { LEGACY_HANDSHAKE_TOOLS, type LegacyHandshakeTool, type LegacyProtocolInfo } from "../protocol/legacy.js";
import { MCPC_PACKAGE_VERSION } from "../version.js";

/** What a legacy (Python mcpc 0.2.x) server answered to our handshake. */
export interface LegacyServer {
  /** The handshake tool it answered: it names the server's version range and call tag. */
  tool: LegacyHandshakeTool;
  info: LegacyProtocolInfo;
}

/**
 * Asks a server without the native capability whether it speaks the legacy
 * dialect: the three handshake tools, newest first, until one answers. A server
 * that answers `mcpc_enabled: false` knows MCPC but declines it (Streamable HTTP):
 * no older tool is tried.
 * @returns the server's answer, or undefined when it speaks no MCPC.
 */
export async function negotiateLegacy(sdk: Client, clientName: string): Promise<LegacyServer | undefined> {
  const mcpcInfo = { mcpc_enabled: true, mcpc_version: MCPC_PACKAGE_VERSION, mcpc_provider: clientName };
  for (const tool of LEGACY_HANDSHAKE_TOOLS) {
    let answer: CallToolResult;
    try {
      answer = (await sdk.callTool({ name: tool, arguments: tool === "is_mcpc_enabled" ? {} : { mcpc_info: mcpcInfo } })) as CallToolResult;
    } catch {
      continue; // An unknown tool may also be a JSON-RPC error.
    }
    const info = answer.isError ? undefined : readInfo(answer);
    if (info === undefined) continue;
    return info.mcpc_enabled ? { tool, info } : undefined;
  }
  return undefined;
}

function readInfo(answer: CallToolResult): LegacyProtocolInfo | undefined {
  const first = answer.content?.[0];
  if (first?.type !== "text") return undefined;
  try {
    const parsed = JSON.parse(first.text) as Partial<LegacyProtocolInfo> | null;
    if (typeof parsed?.mcpc_enabled !== "boolean") return undefined;
    return {
      mcpc_enabled: parsed.mcpc_enabled,
      mcpc_version: typeof parsed.mcpc_version === "string" ? parsed.mcpc_version : "",
      mcpc_provider: typeof parsed.mcpc_provider === "string" ? parsed.mcpc_provider : "",
    };
  } catch {
    return undefined;
  }
}
