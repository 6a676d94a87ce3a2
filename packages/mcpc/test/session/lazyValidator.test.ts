import { describe, expect, it } from "vitest";
import { LazyValidator } from "../../src/session/lazyValidator.js";

describe("LazyValidator (a session's JSON Schema validator, made on first use)", () => {
  it("checks values against a schema as the SDK's Ajv validator does", () => {
    const check = new LazyValidator().getValidator<{ colour: string }>({ type: "object", properties: { colour: { type: "string" } }, required: ["colour"] });
    expect(check({ colour: "blue" })).toEqual({ valid: true, data: { colour: "blue" }, errorMessage: undefined });
    const refused = check({ colour: 5 });
    expect(refused.valid).toBe(false);
    expect(refused.errorMessage).toContain("must be string");
  });
});
