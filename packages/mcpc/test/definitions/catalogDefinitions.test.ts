import { describe, expect, it } from "vitest";
import { z } from "zod";
import { McpcError, McpcServer, Prompt, Resource } from "../../src/index.js";
import { readResourceDefinitions } from "../../src/definitions/resourceDefinitions.js";
import { readPromptDefinitions } from "../../src/definitions/promptDefinitions.js";

function startupError(make: () => object): McpcError {
  try {
    void new McpcServer({ name: "s", version: "1", tools: [make()] }).runtime;
  } catch (error) {
    if (error instanceof McpcError) return error;
    throw error;
  }
  throw new Error("expected a start-up error");
}

describe("reading @Resource and @Prompt records", () => {
  it("reads records under both decorator conventions, a subclass overriding its parent's method", () => {
    class Parent {
      @Resource({ uri: "a://one" })
      one() {
        return "parent";
      }
    }
    class Child extends Parent {
      @Resource({ uri: "a://one", name: "overridden" })
      override one() {
        return "child";
      }
    }
    // experimentalDecorators calls a decorator as (prototype, key, descriptor).
    class Experimental {
      greet() {
        return "hi";
      }
    }
    Prompt({ description: "Greets" })(Experimental.prototype, "greet", Object.getOwnPropertyDescriptor(Experimental.prototype, "greet"));

    const resources = readResourceDefinitions([new Child()]);
    expect(resources.map((r) => [r.uri, r.name, r.origin])).toEqual([["a://one", "overridden", "Child.one"]]);
    expect(readPromptDefinitions([new Experimental()]).map((p) => [p.name, p.description])).toEqual([["greet", "Greets"]]);
  });

  it("refuses a resource with both uri and uriTemplate, or neither", () => {
    class Both {
      @Resource({ uri: "a://x", uriTemplate: "a://{x}" } as never)
      x() {
        return "";
      }
    }
    const error = startupError(() => new Both());
    expect(error.code).toBe("INVALID_RESOURCE_DEFINITION");
    expect(error.message).toBe('@Resource on Both.x: give exactly one of uri (a fixed URI, e.g. "config://app") and uriTemplate (e.g. "notes://{id}").');
  });

  it("refuses a relative uri, and a uriTemplate without variables", () => {
    class Relative {
      @Resource({ uri: "notes/1" })
      x() {
        return "";
      }
    }
    expect(startupError(() => new Relative()).message).toMatch(/Relative\.x: uri must be an absolute URI/);
    class NoVariables {
      @Resource({ uriTemplate: "notes://all" })
      x() {
        return "";
      }
    }
    expect(startupError(() => new NoVariables()).message).toMatch(/NoVariables\.x: uriTemplate must be an RFC 6570 URI template with at least one variable/);
  });

  it("refuses a completer for a name that is not a template variable or prompt argument", () => {
    class BadTemplate {
      @Resource({ uriTemplate: "notes://{id}", complete: { name: () => [] } })
      x() {
        return "";
      }
    }
    expect(startupError(() => new BadTemplate()).message).toBe(
      '@Resource on BadTemplate.x: complete names "name", which is not a template variable (template variables: id).',
    );
    class BadPrompt {
      @Prompt({ description: "p", args: z.object({ code: z.string() }), complete: { lang: () => [] } })
      x() {
        return "";
      }
    }
    const error = startupError(() => new BadPrompt());
    expect(error.code).toBe("INVALID_PROMPT_DEFINITION");
    expect(error.message).toMatch(/complete names "lang", which is not a prompt argument \(prompt arguments: code\)/);
  });

  it("refuses prompt args that are not a zod object schema", () => {
    class NotObject {
      @Prompt({ description: "p", args: z.string() as never })
      x() {
        return "";
      }
    }
    expect(startupError(() => new NotObject()).message).toMatch(/@Prompt on NotObject\.x: args must be a zod object schema/);
  });

  it("names both origins of a duplicate URI and of a duplicate prompt name", () => {
    class A {
      @Resource({ uri: "same://one" })
      first() {
        return "";
      }
      @Resource({ uri: "same://one" })
      second() {
        return "";
      }
    }
    const resource = startupError(() => new A());
    expect(resource.code).toBe("DUPLICATE_RESOURCE");
    expect(resource.message).toMatch(/"same:\/\/one": A\.first and A\.second/);
    class B {
      @Prompt({ description: "1", name: "p" })
      one() {
        return "";
      }
      @Prompt({ description: "2", name: "p" })
      two() {
        return "";
      }
    }
    const prompt = startupError(() => new B());
    expect(prompt.code).toBe("DUPLICATE_PROMPT");
    expect(prompt.message).toMatch(/Two prompts are named "p": B\.one and B\.two/);
  });

  it("throws a TypeError when @Resource decorates a static method", () => {
    expect(() => {
      class Static {
        @Resource({ uri: "a://b" })
        static x() {
          return "";
        }
      }
      return Static;
    }).toThrow(/@Resource decorates public instance methods only; "x" is a static method/);
  });
});
