/** Suggests values for one argument (a prompt argument or a URI template variable) as the user types. */
export type Completer = (
  value: string,
  context: { readonly arguments: Readonly<Record<string, string>> },
) => readonly string[] | Promise<readonly string[]>;

interface ResourceOptionsBase {
  /** The resource's name in `resources/list`. Default: the method name in snake_case. */
  name?: string;
  /** A human-readable title. */
  title?: string;
  /** What the resource holds, for the model. */
  description?: string;
  /** Its MIME type, e.g. `text/plain`, `application/json`, `image/png`. */
  mimeType?: string;
}

/** A resource at one fixed URI. */
export interface StaticResourceOptions extends ResourceOptionsBase {
  /** The resource's URI, e.g. `config://app`. */
  uri: string;
  uriTemplate?: never;
  complete?: never;
}

/** A family of resources matched by an RFC 6570 URI template, e.g. `notes://{id}`. */
export interface TemplateResourceOptions extends ResourceOptionsBase {
  /** The URI template; its variables are the method's first argument. */
  uriTemplate: string;
  uri?: never;
  /** Completions for template variables (`completion/complete` with `ref/resource`). */
  complete?: Readonly<Record<string, Completer>>;
}

/** What `@Resource` takes: a static `uri` or a `uriTemplate`. */
export type ResourceOptions = StaticResourceOptions | TemplateResourceOptions;
