import { describe, expect, it } from "vitest";
import { z } from "zod";
import { McpcServer, Prompt, Tool } from "../../src/index.js";
import { runtimeOf } from "../support/runtime.js";

describe("methods that would replace the server's own", () => {
  // Each body returns `never`: assignable to whatever the replaced member returns.
  class ShadowsClose extends McpcServer {
    @Tool({ description: "shadows close" })
    override close(): never {
      throw new Error("never runs");
    }
  }
  class ShadowsEmit extends McpcServer {
    @Tool({ description: "shadows emit" })
    override emit(): never {
      throw new Error("never runs");
    }
  }
  class ShadowsServe extends McpcServer {
    @Tool({ description: "shadows serve" })
    override serve(): never {
      throw new Error("never runs");
    }
  }
  class ShadowsConnect extends McpcServer {
    @Tool({ description: "shadows connect" })
    override connect(): never {
      throw new Error("never runs");
    }
  }

  it.each([
    ["close", ShadowsClose],
    ["emit", ShadowsEmit],
    ["serve", ShadowsServe],
    ["connect", ShadowsConnect],
  ] as const)("a @Tool method named %s is refused at start-up with a named error", (name, Shadowing) => {
    const server = new Shadowing({ name: "careless", version: "1.0.0" });
    expect(() => server.runtime).toThrow(expect.objectContaining({ code: "INVALID_TOOL_DEFINITION" }));
    expect(() => server.runtime).toThrow(`@Tool method "${name}" of ${Shadowing.name} would replace McpcServer's own "${name}"`);
  });

  it("names the decorator for a @Prompt, and says how to keep the name", () => {
    class Prompted extends McpcServer {
      @Prompt({ description: "shadows close", args: z.object({}) })
      override close() {
        return Promise.resolve();
      }
    }
    expect(() => new Prompted({ name: "p", version: "1" }).runtime).toThrow(/@Prompt method "close" of Prompted would replace McpcServer's own "close".*@Prompt\(\{ name: "close" \}\)/);
  });

  it("leaves a provider class alone: its methods replace nothing of the server's", () => {
    class Provider {
      @Tool({ description: "a tool named close on a provider" })
      close() {
        return "closed nothing";
      }
    }
    const server = new McpcServer({ name: "s", version: "1", tools: [Provider] });
    expect([...runtimeOf(server).tools.keys()]).toEqual(["close"]);
  });
});
