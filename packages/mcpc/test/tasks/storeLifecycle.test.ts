import { afterEach, describe, expect, it } from "vitest";
import { McpcServer } from "../../src/server/mcpcServer.js";
import { MemoryTaskStore } from "../../src/tasks/memoryTaskStore.js";
import type { HttpServing } from "../../src/transports/http/httpServer.js";
import { gate } from "../support/async.js";

/** A store with a backend to reach: `ready()` settles when the test says, `close()` is counted. */
class BackedStore extends MemoryTaskStore {
  readonly readyGate = gate();
  readyError: Error | undefined;
  readyCalls = 0;
  closes: { sessionsOpen: number }[] = [];
  server: McpcServer | undefined;

  async ready(): Promise<void> {
    this.readyCalls++;
    await this.readyGate.promise;
    if (this.readyError) throw this.readyError;
  }

  async close(): Promise<void> {
    this.closes.push({ sessionsOpen: this.server?.runtime.sessionCount ?? -1 });
  }
}

const servings: HttpServing[] = [];
afterEach(async () => {
  await Promise.all(servings.splice(0).map((serving) => serving.close()));
});

describe("serve() and the task store's lifecycle", () => {
  it("waits for store.ready() before it listens, and closes the store after the sessions on shutdown", async () => {
    const store = new BackedStore();
    const server = new McpcServer({ name: "backed", version: "1.0.0", tasks: { store } });
    store.server = server;
    let listening = false;
    const serving = server.serve({ transport: "http", port: 0, handleSignals: false, exitOnClose: false }).then((s) => {
      listening = true;
      servings.push(s);
      return s;
    });
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(store.readyCalls).toBe(1);
    expect(listening).toBe(false);
    store.readyGate.open();
    const { close, url } = await serving;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/mcp$/);
    expect(store.closes).toEqual([]);
    await close();
    expect(store.closes).toEqual([{ sessionsOpen: 0 }]);
  });

  it("rejects with the store's own error (which names what it could not reach) when the store cannot be reached, and listens nowhere", async () => {
    const store = new BackedStore();
    store.readyError = new Error("Cannot reach Redis at redis://127.0.0.1:1 (tried for 100 ms)");
    store.readyGate.open();
    const server = new McpcServer({ name: "backed", version: "1.0.0", tasks: { store } });
    await expect(server.serve({ transport: "http", port: 0, handleSignals: false, exitOnClose: false })).rejects.toThrow(
      "Cannot reach Redis at redis://127.0.0.1:1",
    );
    expect(server.runtime.sessionCount).toBe(0);
    expect(store.closes).toEqual([]);
  });

  it("server.close() without serve() leaves the store open: whoever made it closes it", async () => {
    const store = new BackedStore();
    const server = new McpcServer({ name: "backed", version: "1.0.0", tasks: { store } });
    expect(server.runtime.registry.store).toBe(store);
    await server.close();
    expect(store.closes).toEqual([]);
  });
});
