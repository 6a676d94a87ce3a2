/**
 * The Python mcpc 0.2.x dialect over the legacy HTTP+SSE transport: a raw
 * client (fetch, no SDK) plays the Python client, and the MCPC_CALLBACK
 * envelopes arrive on its SSE stream, behind the created answer.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HttpFixture } from "./transportHarness.js";

interface SseMessage {
  event: string;
  data: string;
}

/** Reads an SSE response incrementally; `next(match)` waits (bounded) for the first matching message not yet taken. */
class SseReader {
  readonly messages: SseMessage[] = [];
  #buffer = "";
  #wake: (() => void) | undefined;

  constructor(response: Response) {
    const body = response.body;
    if (!body) throw new Error("the SSE response has no body");
    const reader = body.getReader();
    const decoder = new TextDecoder();
    void (async () => {
      for (;;) {
        const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true }));
        if (done) return;
        this.#buffer += decoder.decode(value, { stream: true });
        let end;
        while ((end = this.#buffer.indexOf("\n\n")) >= 0) {
          const block = this.#buffer.slice(0, end);
          this.#buffer = this.#buffer.slice(end + 2);
          const event = /^event: (.*)$/m.exec(block)?.[1] ?? "message";
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (data !== undefined) this.messages.push({ event, data });
        }
        this.#wake?.();
      }
    })();
  }

  async next(match: (message: SseMessage) => boolean, timeoutMs = 10_000): Promise<SseMessage> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.messages.find(match);
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`no matching SSE message; got:\n${this.messages.map((m) => m.data).join("\n")}`);
      await new Promise<void>((resolve) => {
        this.#wake = resolve;
        setTimeout(resolve, 50);
      });
    }
  }
}

let server: HttpFixture;
beforeAll(async () => {
  server = await HttpFixture.start(["--port", "0"]);
});
afterAll(async () => {
  await server.stop();
});

describe("the legacy Python dialect over legacy HTTP+SSE", () => {
  it("negotiates with _mcpc_init and delivers created, then MCPC_CALLBACK updates and complete, on the SSE stream", async () => {
    const controller = new AbortController();
    const stream = await fetch(server.sseUrl, { headers: { accept: "text/event-stream" }, signal: controller.signal });
    expect(stream.status).toBe(200);
    const sse = new SseReader(stream);
    try {
      const endpoint = await sse.next((m) => m.event === "endpoint");
      const post = async (message: unknown) => {
        const response = await fetch(new URL(endpoint.data, server.sseUrl), {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify(message),
        });
        expect(response.status).toBe(202);
        await response.text();
      };
      const answer = async (id: number) => JSON.parse((await sse.next((m) => m.data.includes(`"id":${id}`) && !m.data.includes("MCPC_CALLBACK"))).data) as { result: { content: Array<{ text: string }> } };

      await post({ jsonrpc: "2.0", id: 1, method: "initialize", params: { protocolVersion: "2024-11-05", capabilities: {}, clientInfo: { name: "python-mcpc", version: "0.2.6" } } });
      await answer(1);
      await post({ jsonrpc: "2.0", method: "notifications/initialized" });

      await post({
        jsonrpc: "2.0",
        id: 2,
        method: "tools/call",
        params: { name: "_mcpc_init", arguments: { mcpc_info: { mcpc_enabled: true, mcpc_version: "0.2.6", mcpc_provider: "python-client" } } },
      });
      const handshake = JSON.parse((await answer(2)).result.content[0]?.text ?? "{}") as Record<string, unknown>;
      expect(handshake).toMatchObject({ mcpc_enabled: true, mcpc_provider: "transport-fixture" });

      await post({
        jsonrpc: "2.0",
        id: 3,
        method: "tools/call",
        params: { name: "count", arguments: { n: 3, mcpc_params: { session_id: "py-session", task_id: "py-task" } } },
      });
      const created = JSON.parse((await answer(3)).result.content[0]?.text ?? "{}") as Record<string, unknown>;
      expect(created).toMatchObject({ type: "task", event: "created", task_id: "py-task", session_id: "py-session", protocol: "mcpc" });

      await sse.next((m) => m.data.includes("MCPC_CALLBACK") && m.data.includes('\\"complete\\"'));
      const answerAt = sse.messages.findIndex((m) => m.data.includes('"id":3') && !m.data.includes("MCPC_CALLBACK"));
      const callbacks = sse.messages
        .map((m, index) => ({ index, event: m.event, data: m.data }))
        .filter(({ event }) => event === "message")
        .map(({ index, data }) => ({ index, message: JSON.parse(data) as { id?: unknown; result?: { content: Array<{ text: string }> } } }))
        .filter(({ message }) => message.id === "MCPC_CALLBACK");
      const events = callbacks.map(({ message }) => JSON.parse(message.result?.content[0]?.text ?? "{}") as Record<string, unknown>);
      expect(events.map((e) => e.event)).toEqual(["update", "update", "update", "complete"]);
      expect(events.every((e) => e.task_id === "py-task" && e.session_id === "py-session" && e.tool_name === "count")).toBe(true);
      expect(events.at(-1)?.result).toEqual({ counted: 3 });
      // created (the call's own answer) came first; nothing native was sent to this client.
      expect(callbacks.every(({ index }) => index > answerAt)).toBe(true);
      expect(sse.messages.some((m) => m.data.includes("notifications/mcpc"))).toBe(false);
    } finally {
      controller.abort();
    }
  });
});
