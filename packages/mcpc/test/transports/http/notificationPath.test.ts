import { describe, expect, it } from "vitest";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import { installNotificationPath } from "../../../src/transports/http/notificationPath.js";

describe("installNotificationPath", () => {
  it("recognises the SDK transport it was written against (an SDK upgrade that moves its fields fails here, not in speed)", () => {
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: () => "s" });
    expect(installNotificationPath(transport)).toBe(true);
  });

  it("leaves a transport it does not recognise alone", () => {
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: () => "s" });
    const inner = (transport as unknown as { _webStandardTransport: Record<string, unknown> })._webStandardTransport;
    const send = inner.send;
    inner._streamMapping = undefined;
    expect(installNotificationPath(transport)).toBe(false);
    expect(inner.send).toBe(send);
  });
});
