/** One task's inbox (`TaskInbox`): order, exactly once, the question first, one reader and one question at a time, stop. */
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { TaskInbox } from "../../src/call/inbox.js";
import { settle } from "../support/async.js";

const Focus = z.object({ focus: z.string() });
const Choice = z.object({ choice: z.enum(["a", "b"]) });

describe("TaskInbox", () => {
  it("gives messages in the order delivered, each once, through poll, next and the iterator", async () => {
    const inbox = new TaskInbox<{ focus: string }>(Focus, 10);
    for (const focus of ["1", "2", "3"]) inbox.deliver({ focus }, "survey");
    expect(inbox.size).toBe(3);
    expect(inbox.poll()).toEqual({ focus: "1" });
    expect(await inbox.next()).toEqual({ focus: "2" });
    const read: string[] = [];
    const reading = (async () => {
      for await (const message of inbox) {
        read.push(message.focus);
        if (read.length === 2) break;
      }
    })();
    await settle();
    // The reader waits: this one goes straight to it, not to the queue.
    expect(inbox.deliver({ focus: "4" }, "survey")).toEqual({ answered: false, queued: 0 });
    await reading;
    expect(read).toEqual(["3", "4"]);
    expect(inbox.poll()).toBeUndefined();
  });

  it("answers a pending question with the next message, before the queue, checked against the question's schema", async () => {
    const inbox = new TaskInbox(Focus, 10);
    inbox.deliver({ focus: "queued" }, "survey");
    const answer = inbox.ask("Which?", Choice, {}, 60_000);
    expect(inbox.question).toEqual({ id: "q1", question: "Which?", schema: {} });
    expect(() => inbox.deliver({ choice: "c" }, "survey")).toThrow(/Refused the answer to "Which\?": choice: Invalid option/);
    expect(inbox.deliver({ choice: "b" }, "survey")).toEqual({ answered: true, queued: 1 });
    expect(await answer).toEqual({ choice: "b" });
    expect(inbox.question).toBeUndefined();
    expect(inbox.poll()).toEqual({ focus: "queued" });
  });

  it("takes one reader and one question at a time: a second is refused with INVALID_STATE", async () => {
    const inbox = new TaskInbox(Focus, 10);
    const first = inbox.next();
    await expect(inbox.next()).rejects.toMatchObject({ code: "INVALID_STATE", message: expect.stringContaining("already being read") });
    const asked = inbox.ask("One?", Choice, {}, 60_000);
    await expect(inbox.ask("Two?", Choice, {}, 60_000)).rejects.toMatchObject({ code: "INVALID_STATE", message: expect.stringContaining('"One?"') });
    inbox.handleEvent();
    expect(await first).toBeUndefined();
    await expect(asked).rejects.toMatchObject({ code: "TASK_STOPPED" });
  });

  it("refuses a message past its bound with INBOX_FULL, and any message without accepts and a question with NO_INBOX", () => {
    const inbox = new TaskInbox(Focus, 2);
    inbox.deliver({ focus: "1" }, "survey");
    inbox.deliver({ focus: "2" }, "survey");
    expect(() => inbox.deliver({ focus: "3" }, "survey")).toThrow(expect.objectContaining({ code: "INBOX_FULL" }));
    expect(inbox.size).toBe(2);
    expect(() => new TaskInbox(undefined, 2).deliver("hi", "disambiguate")).toThrow(expect.objectContaining({ code: "NO_INBOX" }));
  });
});
