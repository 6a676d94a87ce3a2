import type { Server } from "@modelcontextprotocol/sdk/server/index.js";
import {
  ErrorCode,
  ListResourceTemplatesRequestSchema,
  ListResourcesRequestSchema,
  ReadResourceRequestSchema,
  SubscribeRequestSchema,
  UnsubscribeRequestSchema,
  type ReadResourceResult,
  type Resource as WireResource,
  type ResourceTemplate as WireResourceTemplate,
} from "@modelcontextprotocol/sdk/types.js";
import type { Variables } from "@modelcontextprotocol/sdk/shared/uriTemplate.js";
import { errorMessage } from "../errors.js";
import type { ResourceDefinition } from "../definitions/resourceDefinitions.js";
import type { ResourceContext } from "../call/context.js";
import { WireError, invalidParams } from "../call/wireError.js";

/** The MCP error code for a URI no resource answers (spec: "Resource not found"). */
export const RESOURCE_NOT_FOUND = -32002;

/** What the resource handlers need from their session. */
export interface ResourceSession {
  readonly id: string;
  readonly server: Server;
  /** URIs the client subscribed to with `resources/subscribe`. */
  readonly subscriptions: Set<string>;
}

/**
 * Resources the runtime itself serves beside the user's (the task resources of
 * job handles): listed per session, read and subscribed by URI.
 */
export interface OwnResources {
  readonly templates: readonly WireResourceTemplate[];
  /** This session's resources now (its own tasks). */
  list(): Promise<WireResource[]>;
  /** The resource at `uri`, undefined when the URI is not one of these (a foreign task's is not found either). */
  read(uri: string): Promise<ReadResourceResult | undefined>;
  /** True when `uri` is one of these: then it is watched (and updates sent) until unsubscribed. */
  subscribe(uri: string): Promise<boolean>;
  unsubscribe(uri: string): void;
}

/**
 * Registers `resources/list`, `resources/templates/list`, `resources/read` and
 * `resources/subscribe` / `unsubscribe`. Only called when the server has resources
 * of its own or of the user (the SDK refuses the handlers without the `resources` capability).
 */
export function registerResourceHandlers(session: ResourceSession, resources: readonly ResourceDefinition[], own?: OwnResources): void {
  const { server } = session;
  const statics = resources.filter((r) => r.kind === "static");
  const templates = resources.filter((r) => r.kind === "template");
  const listed: WireResource[] = statics.map((r) => ({ uri: r.uri, name: r.name, ...describe(r) }));
  const listedTemplates: WireResourceTemplate[] = [...templates.map((r) => ({ uriTemplate: r.uri, name: r.name, ...describe(r) })), ...(own?.templates ?? [])];

  server.setRequestHandler(ListResourcesRequestSchema, async () => ({ resources: own ? [...listed, ...(await own.list())] : listed }));
  server.setRequestHandler(ListResourceTemplatesRequestSchema, () => ({ resourceTemplates: listedTemplates }));
  server.setRequestHandler(ReadResourceRequestSchema, async (request, extra) => {
    const { uri } = request.params;
    const found = findResource(statics, templates, uri);
    if (!found) {
      const ownResult = await own?.read(uri);
      if (ownResult) return ownResult;
      const known = [...statics.map((r) => r.uri), ...listedTemplates.map((r) => r.uriTemplate)].join(", ") || "none";
      throw new WireError(RESOURCE_NOT_FOUND, `Resource not found: "${uri}". This server's resources and templates are: ${known}.`, { uri });
    }
    const context: ResourceContext = { uri, signal: extra.signal, sessionId: session.id };
    let value: unknown;
    try {
      value = await found.definition.read(found.variables, context);
    } catch (error) {
      throw new WireError(ErrorCode.InternalError, `Reading resource "${uri}" (${found.definition.name}) failed: ${errorMessage(error)}`);
    }
    return toReadResult(value, uri, found.definition);
  });
  server.setRequestHandler(SubscribeRequestSchema, async (request) => {
    const { uri } = request.params;
    if (!(await own?.subscribe(uri))) session.subscriptions.add(uri);
    return {};
  });
  server.setRequestHandler(UnsubscribeRequestSchema, (request) => {
    session.subscriptions.delete(request.params.uri);
    own?.unsubscribe(request.params.uri);
    return {};
  });
}

function describe(r: ResourceDefinition): { title?: string; description?: string; mimeType?: string } {
  return {
    ...(r.title !== undefined && { title: r.title }),
    ...(r.description !== undefined && { description: r.description }),
    ...(r.mimeType !== undefined && { mimeType: r.mimeType }),
  };
}

/** The static resource with this URI, else the first template that matches it. */
function findResource(
  statics: readonly ResourceDefinition[],
  templates: readonly ResourceDefinition[],
  uri: string,
): { definition: ResourceDefinition; variables: Variables } | undefined {
  const exact = statics.find((r) => r.uri === uri);
  if (exact) return { definition: exact, variables: {} };
  for (const definition of templates) {
    const variables = definition.template?.match(uri);
    if (variables) return { definition, variables };
  }
  return undefined;
}

/** A resource method's return value → `resources/read` result. */
export function toReadResult(value: unknown, uri: string, definition: Pick<ResourceDefinition, "mimeType" | "name">): ReadResourceResult {
  const mimeType = definition.mimeType !== undefined ? { mimeType: definition.mimeType } : {};
  if (typeof value === "string") return { contents: [{ uri, ...mimeType, text: value }] };
  if (value instanceof Uint8Array) return { contents: [{ uri, ...mimeType, blob: Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString("base64") }] };
  if (typeof value === "object" && value !== null && Array.isArray((value as { contents?: unknown }).contents)) {
    return value as ReadResourceResult;
  }
  throw new WireError(
    ErrorCode.InternalError,
    `Resource "${definition.name}" returned ${value === null ? "null" : typeof value}; a resource method returns a string, a Uint8Array or { contents: [...] }.`,
  );
}

/** The error for a `ref/resource` (completion) naming no template of this server. */
export function unknownTemplate(uri: string, templates: readonly ResourceDefinition[]): WireError {
  return invalidParams(`No resource template "${uri}". This server's templates are: ${templates.map((t) => t.uri).join(", ") || "none"}.`);
}
