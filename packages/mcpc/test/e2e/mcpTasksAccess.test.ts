/**
 * MCP tasks: whose tasks a session sees (another session, another principal over
 * HTTP with authentication) and the default options, end to end over real processes.
 */
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { OPTIONS, stdioTarget, httpTargetForBlock, open, createTask, taskResult, textOf, listAll, pollTask } from "./mcpTaskPeer.js";

/** `mcpc/tasks/get`: the MCPC view of the same engine record. */
function mcpcGet(client: Client, taskId: string): Promise<{ task: { task_id: string; status: string; ttl_ms?: number } }> {
  return client.request({ method: "mcpc/tasks/get", params: { task_id: taskId } }, z.object({ task: z.looseObject({ task_id: z.string(), status: z.string(), ttl_ms: z.number().optional() }) }));
}

describe("MCP tasks over Streamable HTTP: whose tasks a session sees", () => {
  const http = httpTargetForBlock();

  it("keeps a session's tasks from another session: tasks/get, tasks/result and tasks/cancel are -32602, tasks/list leaves them out", async () => {
    const owner = await open(http);
    const stranger = await open(http);
    const task = await createTask(owner.client, "steps", { count: 100_000, ms: 20 });

    await expect(stranger.client.experimental.tasks.getTask(task.taskId)).rejects.toMatchObject({ code: -32602 });
    await expect(taskResult(stranger.client, task.taskId)).rejects.toMatchObject({ code: -32602 });
    await expect(stranger.client.experimental.tasks.cancelTask(task.taskId)).rejects.toMatchObject({ code: -32602 });
    expect((await listAll(stranger.client)).tasks.map((t) => t.taskId)).not.toContain(task.taskId);

    // Untouched by all that: still running for its owner, who can list and cancel it.
    expect((await owner.client.experimental.tasks.getTask(task.taskId)).status).toBe("working");
    expect((await listAll(owner.client)).tasks.map((t) => t.taskId)).toContain(task.taskId);
    expect(await owner.client.experimental.tasks.cancelTask(task.taskId)).toMatchObject({ status: "cancelled" });
  });
});

describe("MCP tasks over Streamable HTTP with authentication", () => {
  const http = httpTargetForBlock([...OPTIONS, "--auth"]);

  it("shows a task to every session of the principal that started it, and to no other principal", async () => {
    const alice = await open(http, { headers: { authorization: "Bearer alice" } });
    const aliceAgain = await open(http, { headers: { authorization: "Bearer alice" } });
    const bob = await open(http, { headers: { authorization: "Bearer bob" } });
    const task = await createTask(alice.client, "steps", { count: 2, ms: 10 });

    expect(textOf(await taskResult(aliceAgain.client, task.taskId))).toContain('"count":2');
    expect((await listAll(aliceAgain.client)).tasks.map((t) => t.taskId)).toEqual([task.taskId]);
    await expect(bob.client.experimental.tasks.getTask(task.taskId)).rejects.toMatchObject({ code: -32602 });
    expect((await listAll(bob.client)).tasks).toEqual([]);
    // One record, two views: mcpc/tasks/get sees the same id and status, to the same principal only.
    expect((await mcpcGet(aliceAgain.client, task.taskId)).task).toMatchObject({ task_id: task.taskId, status: "completed", ttl_ms: task.ttl });
    await expect(mcpcGet(bob.client, task.taskId)).rejects.toMatchObject({ code: -32602 });
  });
});

describe("MCP tasks: expiry after the granted ttl", () => {
  it("removes the record everywhere: tasks/get, mcpc/tasks/get and tasks/list no longer know it", async () => {
    const { client } = await open(stdioTarget([...OPTIONS]));
    const task = await createTask(client, "steps", { count: 1, ms: 0 }, { ttl: 300 });
    expect(task.ttl).toBe(300);
    await pollTask(client, task.taskId, (t) => t.status === "completed", "completed");
    expect((await mcpcGet(client, task.taskId)).task.status).toBe("completed");
    // Kept 300 ms from creation, and at least that long after its end: gone well within 2 s, with no sweep needed.
    const gone = Date.now() + 2_000;
    while (await client.experimental.tasks.getTask(task.taskId).then(() => true, () => false)) {
      if (Date.now() > gone) throw new Error("the task was still readable 2 s after its ttl");
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await expect(client.experimental.tasks.getTask(task.taskId)).rejects.toMatchObject({ code: -32602 });
    await expect(mcpcGet(client, task.taskId)).rejects.toMatchObject({ code: -32602 });
    expect((await listAll(client)).tasks.map((t) => t.taskId)).not.toContain(task.taskId);
  });
});

describe("MCP tasks with the default options", () => {
  it("grants an hour when no ttl is asked and suggests polling every second", async () => {
    const { client } = await open(stdioTarget([]));
    const task = await createTask(client, "steps", { count: 1, ms: 0 });
    expect(task).toMatchObject({ status: "working", ttl: 3_600_000, pollInterval: 1_000 });
    expect(await createTask(client, "steps", { count: 1, ms: 0 }, { ttl: 7_200_000 })).toMatchObject({ ttl: 3_600_000 });
  });
});
