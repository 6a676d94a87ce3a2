import { AjvJsonSchemaValidator } from "@modelcontextprotocol/sdk/validation/ajv";
import type { JsonSchemaType, JsonSchemaValidator, jsonSchemaValidator } from "@modelcontextprotocol/sdk/validation/types.js";

/**
 * The JSON Schema validator of one session's SDK `Server`, made on first use.
 * The SDK builds an Ajv instance for every `Server` it constructs, and uses it
 * only to check an elicitation's answer; most sessions never elicit. Building it
 * was 11 % of the server's CPU per HTTP session set-up in the bench's profile
 * (BENCHMARKS.md, "Where the time goes"). One instance shared by all sessions
 * would keep every schema it ever compiled (Ajv caches by schema object), so it
 * stays per session, and made only when that session first needs it.
 */
export class LazyValidator implements jsonSchemaValidator {
  #inner: AjvJsonSchemaValidator | undefined;

  getValidator<T>(schema: JsonSchemaType): JsonSchemaValidator<T> {
    return (this.#inner ??= new AjvJsonSchemaValidator()).getValidator<T>(schema);
  }
}
