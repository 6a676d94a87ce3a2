import { describe, expect, it } from "vitest";

const reflect = Reflect as unknown as { defineMetadata?: unknown };

describe("reflect-metadata is loaded only by the experimentalDecorators path", () => {
  it("is absent after importing mcpc, and present once a class records the old way", async () => {
    const { Tool } = await import("../../src/index.js");
    expect(reflect.defineMetadata).toBeUndefined();

    // What TypeScript's experimentalDecorators emit does: call the decorator with (prototype, key, descriptor).
    class Legacy {
      ping() {
        return "pong";
      }
    }
    const descriptor = Object.getOwnPropertyDescriptor(Legacy.prototype, "ping");
    (Tool({ description: "ping" }) as (target: object, key: string, descriptor?: PropertyDescriptor) => void)(Legacy.prototype, "ping", descriptor);

    expect(typeof reflect.defineMetadata).toBe("function");
    const { readToolDefinitions } = await import("../../src/definitions/toolDefinitions.js");
    expect(readToolDefinitions([new Legacy()]).map((tool) => tool.name)).toEqual(["ping"]);
  });
});
