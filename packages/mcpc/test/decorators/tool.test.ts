import { describe, expect, it } from "vitest";
import { ownToolRecords } from "../../src/decorators/metadata.js";
import { Tool } from "../../src/decorators/tool.js";
import { readToolDefinitions } from "../../src/definitions/toolDefinitions.js";

/** A standard-decorator context for a public instance method, as a compiler would make it. */
function methodContext(name: string, overrides: Partial<ClassMethodDecoratorContext> = {}) {
  const initializers: ((this: unknown) => void)[] = [];
  const context = {
    kind: "method",
    name,
    static: false,
    private: false,
    access: { has: () => true, get: () => undefined },
    metadata: {} as DecoratorMetadataObject,
    addInitializer: (fn: (this: unknown) => void) => void initializers.push(fn),
    ...overrides,
  } as ClassMethodDecoratorContext;
  return { context, initializers };
}

describe("@Tool as called by compilers", () => {
  it("writes one record into the standard decorator metadata and nothing else", () => {
    const { context, initializers } = methodContext("run");
    const options = { description: "Run it" };
    Tool(options)(function run() {}, context);
    expect(initializers).toEqual([]);
    const bag = context.metadata as Record<symbol, unknown>;
    const keys = Object.getOwnPropertySymbols(bag);
    expect(keys).toHaveLength(1);
    expect(bag[keys[0] as symbol]).toEqual([{ methodName: "run", options }]);
  });

  it("never changes the parent class's record list when a subclass records into inherited metadata", () => {
    const parent = methodContext("parentTool");
    Tool()(function parentTool() {}, parent.context);
    const child = methodContext("childTool", { metadata: Object.create(parent.context.metadata as object) as DecoratorMetadataObject });
    Tool()(function childTool() {}, child.context);
    const [key] = Object.getOwnPropertySymbols(parent.context.metadata);
    const parentRecords = (parent.context.metadata as Record<symbol, { methodName: string }[]>)[key as symbol];
    const childRecords = (child.context.metadata as Record<symbol, { methodName: string }[]>)[key as symbol];
    expect(parentRecords?.map((r) => r.methodName)).toEqual(["parentTool"]);
    expect(childRecords?.map((r) => r.methodName)).toEqual(["childTool"]);
  });

  it("without context.metadata, records on the class at construction, once however many instances are made", () => {
    class Later {
      hello() {
        return "hi";
      }
    }
    const { context, initializers } = methodContext("hello", { metadata: undefined as unknown as DecoratorMetadataObject });
    Tool({ description: "Say hi" })(Later.prototype.hello, context);
    expect(initializers).toHaveLength(1);
    const first = new Later();
    const second = new Later();
    for (const instance of [first, second]) for (const init of initializers) init.call(instance);
    expect(ownToolRecords(Later).map((r) => r.methodName)).toEqual(["hello"]);
    expect(readToolDefinitions([first]).map((d) => d.name)).toEqual(["hello"]);
  });

  it("records on the class under experimentalDecorators (target, key, descriptor)", () => {
    class Legacy {
      doWork() {
        return 1;
      }
    }
    Tool({ description: "Work" })(Legacy.prototype, "doWork", Object.getOwnPropertyDescriptor(Legacy.prototype, "doWork"));
    expect(readToolDefinitions([new Legacy()]).map((d) => [d.name, d.description])).toEqual([["do_work", "Work"]]);
  });

  it("refuses a static method under experimentalDecorators with a TypeError naming it", () => {
    class Legacy {
      static helper() {
        return 1;
      }
    }
    expect(() => Tool()(Legacy, "helper")).toThrow(/instance methods only; "helper" is static/);
  });

  it.each([
    ["a field", { kind: "field" }, /"thing" is a field/],
    ["a getter", { kind: "getter" }, /"thing" is a getter/],
    ["a static method", { static: true }, /"thing" is a static method/],
  ] as const)("refuses %s under standard decorators", (_label, overrides, message) => {
    const { context } = methodContext("thing", overrides as Partial<ClassMethodDecoratorContext>);
    expect(() => Tool()(function thing() {}, context)).toThrow(TypeError);
    expect(() => Tool()(function thing() {}, context)).toThrow(message);
  });
});
