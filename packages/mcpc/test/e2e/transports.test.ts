/**
 * One behaviour, every transport: the core scenarios (scenarios.ts) over stdio,
 * Streamable HTTP and the legacy HTTP+SSE transport, each against a real server
 * (a child process; HTTP on 127.0.0.1, port chosen at run time).
 */
import { afterAll, beforeAll, describe } from "vitest";
import { coreScenarios } from "./scenarios.js";
import { HttpFixture, sseTarget, stdioTarget, streamableTarget } from "./transportHarness.js";

describe("over stdio", () => {
  coreScenarios(() => stdioTarget());
});

describe("over HTTP", () => {
  let server: HttpFixture | undefined;
  beforeAll(async () => {
    server = await HttpFixture.start();
  });
  afterAll(async () => {
    await server?.stop();
  });
  const running = () => {
    if (!server) throw new Error("the HTTP fixture is not running");
    return server;
  };

  describe("Streamable HTTP", () => {
    coreScenarios(() => streamableTarget(running));
  });

  describe("legacy SSE", () => {
    coreScenarios(() => sseTarget(running));
  });
});
