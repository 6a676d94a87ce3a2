/**
 * MCP tasks (spec 2025-11-25, SEP-1686) end to end: the SDK 1.32 `Client` and
 * its experimental tasks API against real fixture processes, over stdio and
 * Streamable HTTP (127.0.0.1, a port chosen at run time).
 */
import { CallToolResultSchema, CreateTaskResultSchema, RELATED_TASK_META_KEY, type CallToolResult, type ElicitRequest, type Progress } from "@modelcontextprotocol/sdk/types.js";
import { describe, expect, it } from "vitest";
import type { ResponseMessage } from "@modelcontextprotocol/sdk/shared/responseMessage.js";
import { waitFor } from "../support/async.js";
import { MODEL_IMMEDIATE_RESPONSE, TERMINAL, type Target, stdioTarget, httpTargetForBlock, type Session, open, createTask, pollTask, taskResult, withoutMeta, textOf, finalized, listAll, terminalStatuses } from "./mcpTaskPeer.js";

function scenarios(target: () => Target) {
  it("declares tasks in initialize and marks each background tool's task support in tools/list", async () => {
    const { client } = await open(target());
    expect(client.getServerCapabilities()?.tasks).toEqual({ list: {}, cancel: {}, requests: { tools: { call: {} } } });
    const { tools } = await client.listTools();
    const execution = Object.fromEntries(tools.map((tool) => [tool.name, tool.execution?.taskSupport ?? "none"]));
    expect(execution).toEqual({
      steps: "optional",
      boom: "optional",
      ask: "optional",
      needs_task: "required",
      finally_count: "none",
      add: "none",
      // The one handle tool an MCP-task client is offered: its way to send a running task a message.
      task_send: "none",
    });
  });

  it("answers a task-augmented call at once with a working task: ISO times, the granted ttl, the poll interval and a message for the model", async () => {
    const { client } = await open(target());
    const call = (ttl?: number) =>
      client.request({ method: "tools/call", params: { name: "steps", arguments: { count: 2, ms: 10 } } }, CreateTaskResultSchema, { task: ttl === undefined ? {} : { ttl } });

    const created = await call(10 * 60_000);
    expect(created.task).toMatchObject({ taskId: expect.any(String), status: "working", ttl: 60_000, pollInterval: 50 });
    expect(new Date(created.task.createdAt).toISOString()).toBe(created.task.createdAt);
    expect(new Date(created.task.lastUpdatedAt).toISOString()).toBe(created.task.lastUpdatedAt);
    expect(created._meta?.[MODEL_IMMEDIATE_RESPONSE]).toEqual(expect.stringMatching(/\S/));

    // No ttl asked: the maximum; a smaller one: as asked.
    expect((await call()).task.ttl).toBe(60_000);
    expect((await call(5_000)).task.ttl).toBe(5_000);
  });

  it("tasks/get follows the generator's latest yield, and tasks/result returns what a plain call returns, tagged with the task", async () => {
    const { client } = await open(target());
    const task = await createTask(client, "steps", { count: 4, ms: 60 });
    const seen = await pollTask(client, task.taskId, (t) => TERMINAL.has(t.status), "the task to end");
    const running = seen.filter((t) => t.status === "working");
    expect(seen.at(-1)?.status).toBe("completed");
    expect(seen.slice(0, -1).every((t) => t.status === "working")).toBe(true);
    const messages = [...new Set(running.flatMap((t) => (t.statusMessage === undefined ? [] : [t.statusMessage])))];
    expect(messages.length).toBeGreaterThanOrEqual(2);
    // Only the tool's own words, in the order it yielded them.
    const order = ["step 1/4", "step 2/4", "step 3/4", "step 4/4"];
    expect(messages.every((message) => order.includes(message))).toBe(true);
    const positions = messages.map((message) => order.indexOf(message));
    expect(positions).toEqual([...positions].sort((a, b) => a - b));

    const result = await taskResult(client, task.taskId);
    expect(result._meta?.[RELATED_TASK_META_KEY]).toEqual({ taskId: task.taskId });
    const plain = await client.callTool({ name: "steps", arguments: { count: 4, ms: 1 } });
    expect(withoutMeta(result)).toEqual(withoutMeta(plain as CallToolResult));
    expect(result.structuredContent).toEqual({ count: 4 });
  });

  it("sends every yield as notifications/progress on the call's token, in order, none lost, and notifications/tasks/status ending with the terminal status", async () => {
    const session = await open(target());
    const { client } = session;
    const count = 30;
    const plainProgress: Progress[] = [];
    await client.callTool({ name: "steps", arguments: { count, ms: 0 } }, undefined, { onprogress: (p) => plainProgress.push(p) });
    expect(plainProgress).toHaveLength(count);

    const progress: Progress[] = [];
    const task = await createTask(client, "steps", { count, ms: 5 }, { onprogress: (p) => progress.push(p) });
    expect((await taskResult(client, task.taskId)).structuredContent).toEqual({ count });
    await waitFor(() => progress.length >= count, `${count} progress notifications (got ${progress.length})`, 10_000);
    expect(progress).toEqual(plainProgress);

    const statuses = await terminalStatuses(session, task.taskId);
    expect(statuses.at(-1)).toBe("completed");
    expect(statuses.filter((status) => TERMINAL.has(status))).toEqual(["completed"]);
    const last = session.statuses.filter((t) => t.taskId === task.taskId).at(-1);
    expect(last).toMatchObject({ taskId: task.taskId, status: "completed", ttl: expect.any(Number), createdAt: task.createdAt });
  });

  it("tasks/cancel stops the generator: the answer is cancelled, its finally block has run, and a second cancel or an unknown id is -32602", async () => {
    const session = await open(target());
    const { client } = session;
    const task = await createTask(client, "steps", { count: 100_000, ms: 20 });
    await pollTask(client, task.taskId, (t) => t.statusMessage !== undefined, "the first update");

    const cancelled = await client.experimental.tasks.cancelTask(task.taskId);
    expect(cancelled).toMatchObject({ taskId: task.taskId, status: "cancelled" });
    // The answer went out only after the generator ended: its finally block has already run.
    expect((await finalized(client)).taskIds).toContain(task.taskId);
    expect((await client.experimental.tasks.getTask(task.taskId)).status).toBe("cancelled");

    await expect(client.experimental.tasks.cancelTask(task.taskId)).rejects.toMatchObject({ code: -32602 });
    await expect(client.experimental.tasks.cancelTask("no-such-task")).rejects.toMatchObject({ code: -32602 });
    expect((await terminalStatuses(session, task.taskId)).at(-1)).toBe("cancelled");
  });

  it("ends a task whose tool throws as failed, and tasks/result is its isError result", async () => {
    const session = await open(target());
    const { client } = session;
    const task = await createTask(client, "boom");
    const result = await taskResult(client, task.taskId);
    expect(result.isError).toBe(true);
    expect(textOf(result)).toContain("boom: it broke");
    expect(result._meta?.[RELATED_TASK_META_KEY]).toEqual({ taskId: task.taskId });
    expect((await client.experimental.tasks.getTask(task.taskId)).status).toBe("failed");
    const plain = await client.callTool({ name: "boom", arguments: {} });
    expect(withoutMeta(result)).toEqual(withoutMeta(plain as CallToolResult));
    expect((await terminalStatuses(session, task.taskId)).at(-1)).toBe("failed");
  });

  it("refuses a task for a tool without task support and a plain call to a tool that requires one (-32601), and runs the latter as a task", async () => {
    const { client } = await open(target());
    await expect(createTask(client, "add", { a: 1, b: 2 })).rejects.toMatchObject({ code: -32601, message: expect.stringMatching(/\badd\b/) });
    // client.request, not callTool: the SDK's callTool refuses a required-task tool itself once it has read tools/list.
    await expect(client.request({ method: "tools/call", params: { name: "needs_task", arguments: {} } }, CallToolResultSchema)).rejects.toMatchObject({
      code: -32601,
      message: expect.stringContaining("needs_task"),
    });
    expect((await client.callTool({ name: "add", arguments: { a: 1, b: 2 } })).content).toEqual([{ type: "text", text: "3" }]);
    const task = await createTask(client, "needs_task");
    expect(textOf(await taskResult(client, task.taskId))).toBe("done as a task");
  });

  it("asks the user from inside a task: input_required, the elicitation names the task, and the answer completes it", async () => {
    const asked: ElicitRequest["params"][] = [];
    const statusWhileAsking: string[] = [];
    const session: Session = await open(target(), {
      elicit: async (request) => {
        asked.push(request.params);
        const related = request.params._meta?.[RELATED_TASK_META_KEY];
        // Asked while the task waits: tasks/get reads input_required.
        if (related) statusWhileAsking.push((await session.client.experimental.tasks.getTask(related.taskId)).status);
        return { action: "accept", content: { colour: "blue" } };
      },
    });
    const { client } = session;
    // The SDK's own flow: poll tasks/get, and on input_required block in tasks/result (over HTTP the question rides that stream).
    const messages: ResponseMessage<CallToolResult>[] = [];
    for await (const message of client.experimental.tasks.callToolStream({ name: "ask", arguments: {} }, CallToolResultSchema, { task: {}, timeout: 15_000 })) {
      messages.push(message);
    }
    const created = messages[0];
    const last = messages.at(-1);
    if (created?.type !== "taskCreated") throw new Error(`the stream began with ${JSON.stringify(created)}`);
    if (last?.type !== "result") throw new Error(`the stream ended with ${JSON.stringify(last)}`);
    const { taskId } = created.task;
    expect(textOf(last.result)).toContain("colour is blue");

    expect(asked).toHaveLength(1);
    expect(asked[0]).toMatchObject({ message: "Which colour?", requestedSchema: { type: "object", properties: { colour: { type: "string" } } } });
    expect(asked[0]?._meta?.[RELATED_TASK_META_KEY]).toEqual({ taskId });
    expect(statusWhileAsking).toEqual(["input_required"]);
    const statuses = await terminalStatuses(session, taskId);
    expect(statuses).toContain("input_required");
    expect(statuses.at(-1)).toBe("completed");
  });

  it("runs twenty concurrent tasks in one session, each with its own result, and tasks/list pages through exactly those twenty", async () => {
    const { client } = await open(target());
    const counts = Array.from({ length: 20 }, (_, i) => i + 1);
    const tasks = await Promise.all(counts.map((count) => createTask(client, "steps", { count, ms: 10 })));
    expect(new Set(tasks.map((task) => task.taskId)).size).toBe(20);
    const results = await Promise.all(tasks.map((task) => taskResult(client, task.taskId)));
    expect(results.map((result) => result.structuredContent)).toEqual(counts.map((count) => ({ count })));
    expect(results.map((result) => result._meta?.[RELATED_TASK_META_KEY])).toEqual(tasks.map((task) => ({ taskId: task.taskId })));

    const { pages, tasks: listed } = await listAll(client);
    // Pages of five (a server may end with one empty page), no task twice, none missing, none foreign.
    expect(pages.map((page) => page.length).filter((size) => size > 0)).toEqual([5, 5, 5, 5]);
    expect(listed.map((task) => task.taskId).sort()).toEqual(tasks.map((task) => task.taskId).sort());
    expect(listed.every((task) => task.status === "completed")).toBe(true);
  });
}


describe("MCP tasks over stdio", () => {
  scenarios(() => stdioTarget());
});

describe("MCP tasks over Streamable HTTP", () => {
  const http = httpTargetForBlock();
  scenarios(() => http);
});
