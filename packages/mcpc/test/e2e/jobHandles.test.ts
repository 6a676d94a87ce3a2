/**
 * Job handles end to end: plain SDK clients against real fixture processes, over
 * stdio and Streamable HTTP. A plain call still running after the threshold is
 * answered with a handle; the handle tools follow, wait for and stop the task.
 */
import { spawn } from "node:child_process";
import type { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { describe, expect, it } from "vitest";
import { waitFor } from "../support/async.js";
import { fixture, packageRoot, tsxArgs } from "./harness.js";
import {
  AFTER_MS,
  HANDLE_TOOLS,
  type HttpTarget,
  type Target,
  call,
  factsOf,
  finalResult,
  finalized,
  handOff,
  httpTargetForBlock,
  open,
  status,
  stdioTarget,
  textOf,
  timedCall,
  withoutMeta,
} from "./jobHandlesPeer.js";

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

function scenarios(target: () => Target) {
  it("answers a plain call still running after the threshold with a handle, not an error, and the task runs on to the result a synchronous call gives", async () => {
    const { client } = await open(target());
    const { tools } = await client.listTools();
    expect(tools.map((tool) => tool.name)).toEqual(expect.arrayContaining(["task_status", "task_result", "task_stop"]));

    const { result, ms } = await timedCall(client, "steps", { count: 100, ms: 30 });
    expect(result.isError).toBeFalsy();
    // Not before the threshold, and well before the task's own end (100 × 30 ms).
    expect(ms).toBeGreaterThanOrEqual(AFTER_MS - 20);
    expect(ms).toBeLessThan(2_500);
    const facts = factsOf(result);
    expect(facts).toMatchObject({ taskId: expect.any(String), tool: "steps", status: "working", handle: HANDLE_TOOLS });
    expect(facts.startedAt).toMatch(ISO);
    expect(facts.updatedAt).toMatch(ISO);
    expect(facts.progress).toEqual({ progress: expect.any(Number), total: 100 });
    const step = facts.progress?.progress ?? 0;
    expect(step).toBeGreaterThan(0);
    expect(facts.latestUpdate).toEqual({ progress: step, total: 100, message: `step ${step}/100` });
    expect(textOf(result)).toBe(
      `"steps" is still running (step ${step}/100). It continues in the background: call task_status with taskId "${facts.taskId}" ` +
        `to see how it is doing, task_result to wait for its result, task_stop to stop it.`,
    );

    const final = await finalResult(client, facts.taskId);
    const synchronous = await call(client, "steps", { count: 100, ms: 0 });
    expect(synchronous.structuredContent).toEqual({ count: 100 });
    expect(withoutMeta(final)).toEqual(withoutMeta(synchronous));
    expect((await status(client, facts.taskId)).status).toBe("completed");
    expect((await finalized(client)).taskIds).toContain(facts.taskId);
  });

  it("task_status shows a handed-off task's progress moving, and its end", async () => {
    const { client } = await open(target());
    const { taskId } = await handOff(client, "steps", { count: 60, ms: 40 });
    const first = await status(client, taskId);
    expect(first).toMatchObject({ taskId, tool: "steps", status: "working" });
    const seen = [first.progress?.progress ?? 0];
    await waitFor(async () => {
      const later = await status(client, taskId);
      seen.push(later.progress?.progress ?? 0);
      return later.status === "working" && (later.progress?.progress ?? 0) > (first.progress?.progress ?? 0);
    }, "task_status to show a later step", 5_000);
    expect(seen.at(-1)).toBeGreaterThan(seen[0] ?? 0);
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
    await finalResult(client, taskId);
    const end = await status(client, taskId);
    expect(end).toMatchObject({ status: "completed", finishedAt: expect.stringMatching(ISO), progress: { progress: 60, total: 60 } });
    expect(textOf(await call(client, "task_status", { taskId }))).toBe(`"steps" has completed. Call task_result with taskId "${taskId}" for its result.`);
  });

  it("task_stop stops a handed-off task: its finally block ran, task_status says cancelled, and another task of the session runs on", async () => {
    const { client } = await open(target());
    const [first, second] = await Promise.all([handOff(client, "steps", { count: 100_000, ms: 20 }), handOff(client, "steps", { count: 100_000, ms: 20 })]);
    if (!first || !second) throw new Error("two handles expected");
    const before = await finalized(client);

    const stopped = await call(client, "task_stop", { taskId: second.taskId });
    expect(stopped.isError).toBeFalsy();
    expect(stopped.structuredContent).toEqual({ taskId: second.taskId, status: "cancelled" });
    expect(textOf(stopped)).toBe(`"steps" was stopped: task "${second.taskId}" is cancelled.`);
    const after = await finalized(client);
    expect(after.count).toBe(before.count + 1);
    expect(after.taskIds).toContain(second.taskId);
    expect(after.taskIds).not.toContain(first.taskId);

    const cancelled = await call(client, "task_status", { taskId: second.taskId });
    expect(factsOf(cancelled)).toMatchObject({ taskId: second.taskId, status: "cancelled", finishedAt: expect.stringMatching(ISO) });
    expect(textOf(cancelled)).toMatch(/^"steps" was cancelled: /);
    // The answer of task_result for it is the plain call's answer for a stopped tool.
    const result = await call(client, "task_result", { taskId: second.taskId });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/^Tool "steps" was cancelled: /);
    expect((await status(client, first.taskId)).status).toBe("working");
    await call(client, "task_stop", { taskId: first.taskId });
  });

  it("a client's own notifications/cancelled still stops its task before the handoff: the finally block ran and the task is listed cancelled", async () => {
    const { client } = await open(target());
    const before = await finalized(client);
    const controller = new AbortController();
    const answer = client.callTool({ name: "steps", arguments: { count: 100_000, ms: 20 } }, undefined, {
      signal: controller.signal,
      // Aborted on the first progress, well before the threshold: the SDK sends notifications/cancelled.
      onprogress: () => controller.abort("the user pressed stop"),
    });
    await expect(answer).rejects.toThrow();
    await waitFor(async () => (await finalized(client)).count === before.count + 1, "the cancelled task's finally block", 5_000);
    const listed = factsOf(await call(client, "task_status")) as unknown as { tasks: { taskId: string; status: string }[] };
    expect(listed.tasks).toHaveLength(1);
    expect(listed.tasks[0]?.status).toBe("cancelled");
    expect((await finalized(client)).taskIds).toContain(listed.tasks[0]?.taskId);
  });

  it("task_status without a taskId lists the session's tasks newest first; an unknown id or a missing one is an isError result naming it", async () => {
    const { client } = await open(target());
    expect(await call(client, "task_status")).toEqual({ content: [{ type: "text", text: "No background tasks in this conversation." }], structuredContent: { tasks: [] } });
    const older = await handOff(client, "eager_steps", { count: 100_000, ms: 20 });
    const newer = await handOff(client, "eager_steps", { count: 100_000, ms: 20 });
    const listed = await call(client, "task_status", {});
    const tasks = (listed.structuredContent as { tasks: { taskId: string; status: string; tool: string }[] }).tasks;
    expect(tasks.map((task) => [task.taskId, task.tool, task.status])).toEqual([
      [newer.taskId, "eager_steps", "working"],
      [older.taskId, "eager_steps", "working"],
    ]);
    expect(textOf(listed)).toContain(`- ${newer.taskId}: "eager_steps" working`);

    for (const tool of ["task_status", "task_result", "task_stop"]) {
      const unknown = await call(client, tool, { taskId: "no-such-task" });
      expect(unknown.isError, tool).toBe(true);
      expect(textOf(unknown), tool).toContain('"no-such-task"');
      expect(textOf(unknown), tool).toContain("Call task_status without a taskId");
    }
    for (const tool of ["task_result", "task_stop"]) {
      const missing = await call(client, tool, {});
      expect(missing.isError, tool).toBe(true);
      expect(textOf(missing), tool).toMatch(/taskId/);
    }
    await Promise.all([older, newer].map((task) => call(client, "task_stop", { taskId: task.taskId })));
  });

  it("keeps each tool's own threshold: handleAfterMs false and an output schema wait for the end, handleAfterMs 200 hands off sooner than the server", async () => {
    const { client } = await open(target());
    for (const name of ["sync_steps", "typed_steps"]) {
      const { result, ms } = await timedCall(client, name, { count: 40, ms: 35 });
      expect(result.isError, name).toBeFalsy();
      expect(result.structuredContent, name).toEqual({ count: 40 });
      // 40 × 35 ms is past the server's threshold: the call waited for the end.
      expect(ms, name).toBeGreaterThanOrEqual(AFTER_MS + 300);
    }
    const { result, ms } = await timedCall(client, "eager_steps", { count: 100_000, ms: 20 });
    expect(factsOf(result)).toMatchObject({ tool: "eager_steps", status: "working", handle: HANDLE_TOOLS });
    expect(ms).toBeGreaterThanOrEqual(190);
    expect(ms).toBeLessThan(AFTER_MS - 100);
    await call(client, "task_stop", { taskId: factsOf(result).taskId });
  });
}

describe("job handles over stdio", () => {
  scenarios(() => stdioTarget());
});

describe("job handles over Streamable HTTP", () => {
  const http = httpTargetForBlock();
  scenarios(() => http);

  it("a POST closed before its answer (the host gave up without a cancel) keeps its task: it completes, and task_result gives its result", async () => {
    const { client, transport } = await open(http);
    const sessionId = (transport as StreamableHTTPClientTransport).sessionId;
    if (sessionId === undefined) throw new Error("no HTTP session");
    const before = await finalized(client);
    await abandonedPost(http, sessionId, { jsonrpc: "2.0", id: "gave-up", method: "tools/call", params: { name: "steps", arguments: { count: 50, ms: 40 } } }, 300);

    // Dropped before its threshold (800 ms): the session still lists the task, working.
    const listed = factsOf(await call(client, "task_status")) as unknown as { tasks: { taskId: string; status: string }[] };
    expect(listed.tasks.map((task) => task.status)).toEqual(["working"]);
    const taskId = listed.tasks[0]?.taskId ?? "";
    const final = await finalResult(client, taskId);
    expect(final.structuredContent).toEqual({ count: 50 });
    expect((await status(client, taskId)).status).toBe("completed");
    const after = await finalized(client);
    expect(after.count).toBe(before.count + 1);
    expect(after.taskIds).toContain(taskId);
  });
});

/** POSTs a request in the session with raw fetch and closes the request after `afterMs` without any cancel. */
async function abandonedPost(target: HttpTarget, sessionId: string, message: unknown, afterMs: number): Promise<void> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), afterMs);
  try {
    const response = await fetch(target.url(), {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json, text/event-stream", "mcp-session-id": sessionId, "mcp-protocol-version": "2025-11-25" },
      body: JSON.stringify(message),
      signal: controller.signal,
    });
    // The answer streams on this response: stop reading it before it comes.
    await response.text();
    throw new Error("the POST was answered before the test closed it");
  } catch (error) {
    if (!controller.signal.aborted) throw error;
  } finally {
    clearTimeout(timer);
  }
}

describe("job handle options", () => {
  it("a user tool named task_status fails the server at start with a message naming the tool and toolPrefix; with toolPrefix job_ it starts", async () => {
    const failed = await runFixture(["--conflict"]);
    expect(failed.code).not.toBe(0);
    expect(failed.stderr).toContain('Tool "task_status"');
    expect(failed.stderr).toContain("INVALID_TOOL_DEFINITION");
    expect(failed.stderr).toContain("toolPrefix");

    const { client } = await open(stdioTarget(["--conflict", "--tool-prefix", "job_"]));
    const names = (await client.listTools()).tools.map((tool) => tool.name).sort();
    expect(names).toEqual(["job_result", "job_send", "job_status", "job_stop", "task_status", "work"]);
    expect(textOf(await call(client, "task_status"))).toBe("mine");
  });

  it("toolPrefix job_ names the handle tools job_status, job_result, job_stop, job_send, in the tool list and in the handle", async () => {
    const { client } = await open(stdioTarget(["--handle-after", "300", "--tool-prefix", "job_"]));
    const names = (await client.listTools()).tools.map((tool) => tool.name);
    expect(names).toEqual(expect.arrayContaining(["job_status", "job_result", "job_stop", "job_send"]));
    expect(names.filter((name) => name.startsWith("task_"))).toEqual([]);
    const jobTools = { status: "job_status", result: "job_result", stop: "job_stop", send: "job_send" };
    const handle = await handOff(client, "steps", { count: 30, ms: 20 });
    expect(handle.handle).toEqual(jobTools);
    expect(textOf(await call(client, "steps", { count: 1_000, ms: 20 }))).toMatch(/call job_status with taskId "[^"]+" to see how it is doing, job_result to wait for its result, job_stop to stop it\.$/);
    expect((await finalResult(client, handle.taskId, 10, jobTools)).structuredContent).toEqual({ count: 30 });
    expect((await status(client, handle.taskId, jobTools)).status).toBe("completed");
    // task_status is not a tool of this server: an unknown tool, as for any other name.
    await expect(call(client, "task_status", { taskId: handle.taskId })).rejects.toMatchObject({ code: -32602, message: expect.stringContaining('"task_status"') });
  });

  it("--handle-after off (jobHandles: false): no handle tools, no task resources, and a long call waits for its result", async () => {
    const { client } = await open(stdioTarget(["--handle-after", "off"]));
    const names = (await client.listTools()).tools.map((tool) => tool.name);
    expect(names.filter((name) => name.startsWith("task_"))).toEqual([]);
    expect(client.getServerCapabilities()?.resources).toBeUndefined();
    const { result, ms } = await timedCall(client, "steps", { count: 20, ms: 60 });
    expect(result.structuredContent).toEqual({ count: 20 });
    expect(ms).toBeGreaterThanOrEqual(1_100);
  });
});

/** Runs the fixture on stdio with nothing on its stdin until it exits (bounded); its exit code and stderr. */
function runFixture(args: readonly string[]): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, [...tsxArgs(fixture("jobHandlesServer.ts")), ...args], { cwd: packageRoot, env: { ...process.env, NODE_OPTIONS: "" } });
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  // No client: a server that did start exits on stdin's end (with 0), so the test fails fast.
  child.stdin.end();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`the fixture did not exit within 20 s; stderr:\n${stderr}`));
    }, 20_000);
    child.once("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, stderr });
    });
  });
}
