import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { checkHandshakeArguments, legacyCallback, messagesInResult, readLegacyTag } from "../../src/protocol/legacy.js";
import { createServerEventMessage, createTaskMessage } from "../../src/protocol/message.js";
import { MCPC_PACKAGE_VERSION } from "../../src/version.js";

describe("the legacy wire shapes", () => {
  it("reads and strips both call tags, the newer one winning", () => {
    expect(readLegacyTag({ url: "u", _metadata: { mcpc_session_id: "s", mcpc_task_id: "t" } })).toEqual({
      ok: true,
      args: { url: "u" },
      tag: { argument: "_metadata", sessionId: "s", taskId: "t" },
    });
    expect(readLegacyTag({ mcpc_params: { session_id: "s2", task_id: "t2" }, _metadata: { mcpc_task_id: "old" } })).toEqual({
      ok: true,
      args: {},
      tag: { argument: "mcpc_params", sessionId: "s2", taskId: "t2" },
    });
    const untouched = { a: 1 };
    expect(readLegacyTag(untouched)).toEqual({ ok: true, args: untouched, tag: undefined });
  });

  it("names the field of a malformed tag", () => {
    expect(readLegacyTag({ mcpc_params: { task_id: 7 } })).toEqual({ ok: false, problem: expect.stringContaining("mcpc_params.task_id must be a non-empty string") });
    expect(readLegacyTag({ _metadata: { mcpc_session_id: "" } })).toEqual({ ok: false, problem: expect.stringContaining("_metadata.mcpc_session_id") });
    expect(readLegacyTag({ _metadata: [] })).toEqual({ ok: false, problem: expect.stringContaining("got an array") });
  });

  it("checks handshake arguments per generation", () => {
    expect(checkHandshakeArguments("is_mcpc_enabled", {})).toBeUndefined();
    expect(checkHandshakeArguments("_mcpc_init", {})).toMatch(/mcpc_info is missing/);
    expect(checkHandshakeArguments("_is_mcpc_enabled", { mcpc_info: { mcpc_version: 2 } })).toMatch(/mcpc_info\.mcpc_version must be a string/);
    expect(checkHandshakeArguments("_mcpc_init", { mcpc_info: { mcpc_enabled: true, mcpc_version: "0.2.6", mcpc_provider: "p" } })).toBeUndefined();
  });

  it("wraps a message as the Python server's MCPC_CALLBACK response, without seq, and reads it back", () => {
    const message = createTaskMessage("update", "s", "t", "tool", { progress: 20 }, 4);
    const callback = legacyCallback(message);
    expect(callback).toEqual({
      jsonrpc: "2.0",
      id: "MCPC_CALLBACK",
      result: { content: [{ type: "text", text: expect.any(String), annotations: null }], isError: false },
    });
    const { seq: _seq, ...withoutSeq } = message;
    expect(messagesInResult(callback.result)).toEqual([withoutSeq]);
    const event = createServerEventMessage("alert", { x: 1 }, "s");
    expect(messagesInResult({ content: [{ type: "text", text: "plain words" }, { type: "text", text: JSON.stringify(event) }] })).toEqual([event]);
  });

  it("reports this package's version in handshake answers", () => {
    const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string };
    expect(MCPC_PACKAGE_VERSION).toBe(pkg.version);
  });
});
