/**
 * A task that asks (`task.ask`), answered by clients that do not speak MCPC, end
 * to end against the inbox fixture over stdio and Streamable HTTP: the SDK
 * client's MCP tasks (`client.experimental.tasks`; an elicitation where declared,
 * else the status names the question and `task_send` answers it), and a plain SDK
 * client on the job-handle rung (the call's answer and `task_status` show the
 * question and its schema; `task_send` answers it).
 */
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { describe, expect, it } from "vitest";
import { createTask, pollTask, taskResult } from "./mcpTaskPeer.js";
import { CHOICE_SCHEMA, QUESTION, finallyCount, httpTargetForBlock, openSdk, stdioTarget, textOf, type Target } from "./taskInputPeer.js";

/** Handles only when a question makes them: a plain call that asks nothing stays synchronous for a minute. */
const OPTIONS = ["--handle-after", "60000"];

const call = (client: Client, name: string, args: Record<string, unknown>) => client.callTool({ name, arguments: args }) as Promise<CallToolResult>;

function mcpTaskScenarios(target: () => Target) {
  it("without elicitation: the task's status is input_required with the question, task_send (listed to it) answers, the result follows", async () => {
    const { client } = await openSdk(target(), { tasks: true });
    const names = (await client.listTools()).tools.map((tool) => tool.name);
    expect(names).toContain("task_send");
    expect(names).not.toContain("task_status");

    const task = await createTask(client, "disambiguate");
    const seen = await pollTask(client, task.taskId, (now) => now.status === "input_required", "the question");
    expect(seen.at(-1)?.statusMessage).toBe(`${QUESTION} (answer with task_send)`);

    const wrong = await call(client, "task_send", { taskId: task.taskId, message: { choice: "lyon" } });
    expect(wrong.isError).toBe(true);
    expect(textOf(wrong)).toContain(`Refused the answer to "${QUESTION}": choice: Invalid option`);

    const sent = await call(client, "task_send", { taskId: task.taskId, message: { choice: "paris-fr" } });
    expect(sent.structuredContent).toEqual({ taskId: task.taskId, answered: true, queued: 0 });
    expect(textOf(await taskResult(client, task.taskId))).toBe("you meant paris-fr");
    expect((await client.experimental.tasks.getTask(task.taskId)).status).toBe("completed");
  });

  it("with elicitation declared: the question is an elicitation on the task's tasks/result, and its answer is the result", async () => {
    const { client, elicited } = await openSdk(target(), { tasks: true, elicit: () => ({ action: "accept", content: { choice: "paris-tx" } }) });
    const task = await createTask(client, "disambiguate");

    expect(textOf(await taskResult(client, task.taskId))).toBe("you meant paris-tx");
    expect(elicited).toHaveLength(1);
    expect(elicited[0]?.params).toMatchObject({ message: QUESTION, _meta: { "io.modelcontextprotocol/related-task": { taskId: task.taskId } } });
  });
}

function handleScenarios(target: () => Target) {
  it("a plain host's call that asks is answered at once with the question, its schema and task_send; task_status shows it; task_send answers it", async () => {
    const { client } = await openSdk(target());
    const started = performance.now();
    const answer = await call(client, "disambiguate", {});
    // At once: the question does not wait for the handle threshold (a minute here).
    expect(performance.now() - started).toBeLessThan(10_000);
    expect(answer.isError).toBeFalsy();
    const facts = answer.structuredContent as { taskId: string; status: string; question: unknown };
    expect(facts).toMatchObject({ tool: "disambiguate", status: "input_required", question: { questionId: "q1", question: QUESTION, schema: CHOICE_SCHEMA } });
    expect(textOf(answer)).toContain(
      `"disambiguate" asks: ${QUESTION} Answer with task_send, taskId "${facts.taskId}" and a message matching ${JSON.stringify(CHOICE_SCHEMA)}`,
    );

    const status = await call(client, "task_status", { taskId: facts.taskId });
    expect(status.structuredContent).toMatchObject({ status: "input_required", question: { questionId: "q1", question: QUESTION, schema: CHOICE_SCHEMA } });

    const wrong = await call(client, "task_send", { taskId: facts.taskId, message: "paris" });
    expect(wrong).toMatchObject({ isError: true, structuredContent: { code: "INVALID_MESSAGE" } });
    expect(textOf(wrong)).toContain("(message): Invalid input: expected object, received string");

    const sent = await call(client, "task_send", { taskId: facts.taskId, message: { choice: "paris-tx" } });
    expect(textOf(sent)).toBe(`Answered: task "${facts.taskId}" goes on with your answer.`);
    const result = await call(client, "task_result", { taskId: facts.taskId });
    expect(textOf(result)).toBe("you meant paris-tx");
    expect((await call(client, "task_status", { taskId: facts.taskId })).structuredContent).toMatchObject({ status: "completed" });
  });

  it("task_stop of a task waiting on its question cancels it once, and its finally runs", async () => {
    const { client } = await openSdk(target());
    const before = await finallyCount(client);
    const facts = (await call(client, "disambiguate", {})).structuredContent as { taskId: string };

    const stopped = await call(client, "task_stop", { taskId: facts.taskId });
    expect(stopped.isError).toBeFalsy();
    expect((await call(client, "task_status", { taskId: facts.taskId })).structuredContent).toMatchObject({ status: "cancelled" });
    expect(await finallyCount(client)).toBe(before + 1);
    const late = await call(client, "task_send", { taskId: facts.taskId, message: { choice: "paris-tx" } });
    expect(late).toMatchObject({ isError: true, structuredContent: { code: "TASK_ENDED" } });
  });
}

describe("a task asks an MCP-task client (SDK), over stdio", () => {
  mcpTaskScenarios(() => stdioTarget(OPTIONS));
});

describe("a task asks an MCP-task client (SDK), over Streamable HTTP", () => {
  const http = httpTargetForBlock(OPTIONS);
  mcpTaskScenarios(() => http);
});

describe("a task asks a plain host through a job handle, over stdio", () => {
  handleScenarios(() => stdioTarget(OPTIONS));
});

describe("a task asks a plain host through a job handle, over Streamable HTTP", () => {
  const http = httpTargetForBlock(OPTIONS);
  handleScenarios(() => http);
});
