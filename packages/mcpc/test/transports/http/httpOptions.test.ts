import { describe, expect, it } from "vitest";
import { checkHttpOptions, isLoopbackHost, resolveHttpOptions } from "../../../src/transports/http/httpOptions.js";

describe("checkHttpOptions: binding beyond loopback", () => {
  it("refuses a non-loopback host without authenticate, naming both fixes", () => {
    for (const host of ["0.0.0.0", "::", "192.168.1.10", "mcp.example.com"]) {
      expect(() => checkHttpOptions({ host, allowedHosts: ["mcp.example.com:443"] })).toThrow(
        expect.objectContaining({ code: "INVALID_ARGUMENT", message: expect.stringMatching(/Pass authenticate.*allowUnauthenticated: true/s) }),
      );
    }
  });

  it("accepts it with authenticate, or with the explicit opt-out allowUnauthenticated", () => {
    const authenticate = () => ({ id: "ops" });
    expect(() => checkHttpOptions({ host: "0.0.0.0", allowedHosts: ["*"], authenticate })).not.toThrow();
    expect(() => checkHttpOptions({ host: "0.0.0.0", allowedHosts: ["*"], allowUnauthenticated: true })).not.toThrow();
    expect(() => checkHttpOptions({ host: "10.0.0.5", allowUnauthenticated: true })).not.toThrow();
  });

  it("leaves loopback hosts as they were: no authenticate needed", () => {
    for (const host of ["127.0.0.1", "127.0.0.2", "localhost", "::1", "[::1]", "::ffff:127.0.0.1"]) {
      expect(isLoopbackHost(host)).toBe(true);
      expect(() => checkHttpOptions({ host })).not.toThrow();
    }
    expect(() => checkHttpOptions({})).not.toThrow();
    expect(isLoopbackHost("128.0.0.1")).toBe(false);
    expect(isLoopbackHost("localhost.example.com")).toBe(false);
  });

  it("still asks for allowedHosts first on a wildcard address", () => {
    expect(() => checkHttpOptions({ host: "0.0.0.0", allowUnauthenticated: true })).toThrow(expect.objectContaining({ message: expect.stringContaining("allowedHosts") }));
  });
});

describe("maxSessionsPerClient", () => {
  it("defaults to 250, enough for 100 sessions from one address (our tests and bench)", () => {
    expect(resolveHttpOptions({}, 3000).maxSessionsPerClient).toBe(250);
    expect(resolveHttpOptions({ maxSessionsPerClient: 7 }, 3000).maxSessionsPerClient).toBe(7);
  });

  it("must be a positive number", () => {
    expect(() => checkHttpOptions({ maxSessionsPerClient: 0 })).toThrow(expect.objectContaining({ code: "INVALID_ARGUMENT", message: expect.stringContaining("maxSessionsPerClient") }));
  });
});
