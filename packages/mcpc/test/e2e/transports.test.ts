/**
 * One behaviour, every transport: the core scenarios (scenarios.ts) over stdio,
 * Streamable HTTP and the legacy HTTP+SSE transport, each against a real server
 * (a child process; HTTP on 127.0.0.1, port chosen at run time).
 */
import { describe } from "vitest";
import { coreScenarios } from "./scenarios.js";
import { httpFixtureForBlock, sseTarget, stdioTarget, streamableTarget } from "./transportHarness.js";

describe("over stdio", () => {
  coreScenarios(() => stdioTarget());
});

describe("over HTTP", () => {
  const running = httpFixtureForBlock();

  describe("Streamable HTTP", () => {
    coreScenarios(() => streamableTarget(running));
  });

  describe("legacy SSE", () => {
    coreScenarios(() => sseTarget(running));
  });
});
