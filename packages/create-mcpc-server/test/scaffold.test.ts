import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { CLI_VERSION, MCPC_VERSION, SDK_VERSION, ScaffoldError, TEMPLATE_NAMES, readTemplates, scaffold, validateProjectName, type TemplateSource } from "../src/index.js";

const source = await readTemplates();
const file = (files: Array<{ path: string; contents: string }>, path: string): string => {
  const found = files.find((f) => f.path === path);
  if (!found) throw new Error(`no ${path} among ${files.map((f) => f.path).join(", ")}`);
  return found.contents;
};

describe("scaffold()", () => {
  it("offers exactly the basic and monitor templates", () => {
    expect(TEMPLATE_NAMES).toEqual(["basic", "monitor"]);
  });

  it.each(TEMPLATE_NAMES)("generates the %s project's files with every placeholder filled", (template) => {
    const { files } = scaffold({ name: "my-server", template }, source);
    expect(files.map((f) => f.path)).toEqual([
      ".gitignore",
      "README.md",
      "package.json",
      "src/server.ts",
      "src/tools.ts",
      "test/server.test.ts",
      "tsconfig.build.json",
      "tsconfig.json",
      "vitest.config.ts",
    ]);
    for (const f of files) expect(f.contents, f.path).not.toMatch(/\{\{|\}\}/);
    expect(file(files, "src/server.ts")).toContain('name: "my-server"');
    expect(file(files, ".gitignore")).toContain("node_modules/");
  });

  it("writes a package.json that depends on this mcpc, zod 4 and SDK 1.32.2, with dev, build, start and test scripts and @mcpc/cli as a dev dependency", () => {
    const pkg = JSON.parse(file(scaffold({ name: "@acme/tools", template: "monitor" }, source).files, "package.json")) as {
      name: string;
      type: string;
      scripts: Record<string, string>;
      dependencies: Record<string, string>;
      devDependencies: Record<string, string>;
    };
    expect(pkg.name).toBe("@acme/tools");
    expect(pkg.type).toBe("module");
    expect(pkg.dependencies).toEqual({ mcpc: `^${MCPC_VERSION}`, zod: "^4.1.0", "@modelcontextprotocol/sdk": SDK_VERSION });
    expect(Object.keys(pkg.scripts)).toEqual(expect.arrayContaining(["dev", "build", "start", "test"]));
    expect(pkg.scripts.start).toBe("node dist/server.js");
    // The `mcpc` command is for development only: a production install (`--omit=dev`) carries none of it.
    expect(pkg.devDependencies["@mcpc/cli"]).toBe(`^${CLI_VERSION}`);
    expect(pkg.scripts.dev).toBe("mcpc serve --watch src/server.ts");
  });

  it("depends on the versions of the workspace's mcpc and @mcpc/cli packages", async () => {
    const mcpc = JSON.parse(await readFile(new URL("../../mcpc/package.json", import.meta.url), "utf8")) as { version: string };
    expect(MCPC_VERSION).toBe(mcpc.version);
    const cli = JSON.parse(await readFile(new URL("../../cli/package.json", import.meta.url), "utf8")) as { name: string; version: string };
    expect(cli.name).toBe("@mcpc/cli");
    expect(CLI_VERSION).toBe(cli.version);
    expect(SDK_VERSION).toBe((JSON.parse(await readFile(new URL("../../mcpc/package.json", import.meta.url), "utf8")) as { dependencies: Record<string, string> }).dependencies["@modelcontextprotocol/sdk"]);
  });

  it("writes a strict ES2022/NodeNext tsconfig with standard decorators (no experimentalDecorators)", () => {
    const tsconfig = JSON.parse(file(scaffold({ name: "x", template: "basic" }, source).files, "tsconfig.json")) as { compilerOptions: Record<string, unknown> };
    expect(tsconfig.compilerOptions).toMatchObject({ strict: true, target: "ES2022", module: "NodeNext", moduleResolution: "NodeNext" });
    expect(tsconfig.compilerOptions).not.toHaveProperty("experimentalDecorators");
  });

  it("writes a README with Claude Desktop, VS Code and Cursor snippets, named after the folder, with the chosen package manager's commands", () => {
    const readme = file(scaffold({ name: "@acme/tools", template: "basic", packageManager: "pnpm" }, source).files, "README.md");
    for (const client of ["Claude Desktop", "VS Code", "Cursor"]) expect(readme).toContain(`### ${client}`);
    expect(readme).toContain('"tools": {');
    expect(readme).toContain("/absolute/path/to/tools/dist/server.js");
    expect(readme).toContain("`pnpm dev`");
    expect(readme).toContain("`process_items` (background)");
  });

  it("with vendored tarballs, depends on them by file: path, overrides @mcpc/cli's mcpc for npm and pnpm, and its README says where mcpc comes from", () => {
    const vendored = { mcpc: "vendor/mcpc-0.1.0.tgz", cli: "vendor/mcpc-cli-0.1.0.tgz" };
    const { files } = scaffold({ name: "x", template: "basic", packageManager: "pnpm", vendored }, source);
    const pkg = JSON.parse(file(files, "package.json")) as { dependencies: Record<string, string>; devDependencies: Record<string, string>; overrides: object; pnpm: object; scripts: object };
    expect(pkg.dependencies).toMatchObject({ mcpc: "file:vendor/mcpc-0.1.0.tgz", zod: "^4.1.0" });
    expect(pkg.devDependencies).toMatchObject({ "@mcpc/cli": "file:vendor/mcpc-cli-0.1.0.tgz", vitest: expect.any(String) });
    expect(pkg.overrides).toEqual({ mcpc: "$mcpc" });
    expect(pkg.pnpm).toEqual({ overrides: { mcpc: "$mcpc" } });
    expect(pkg.scripts).toMatchObject({ dev: "mcpc serve --watch src/server.ts" });
    expect(file(files, "package.json")).toMatch(/^\{\n {2}"name": "x",\n[\s\S]*\n\}\n$/);
    const readme = file(files, "README.md");
    expect(readme).toContain("## Where mcpc comes from");
    expect(readme).toContain("`vendor/mcpc-0.1.0.tgz`, `vendor/mcpc-cli-0.1.0.tgz`");
    expect(readme).toContain("`pnpm add mcpc@latest && pnpm add -D @mcpc/cli@latest`");
    expect(files.map((f) => f.path)).not.toContain("_vendored.md");
  });

  it("without vendored tarballs, writes package.json exactly as the template has it and no vendor note", () => {
    const { files } = scaffold({ name: "x", template: "basic" }, source);
    expect(file(files, "package.json")).not.toContain("overrides");
    expect(file(files, "README.md")).not.toContain("Where mcpc comes from");
    expect(file(files, "README.md")).toMatch(/stderr\)\.\n$/);
  });

  it.each(["My Server", "", ".hidden", "http", "a".repeat(215), "héllo"])("refuses the name %j with INVALID_NAME", (name) => {
    expect(validateProjectName(name).valid).toBe(false);
    expect(() => scaffold({ name, template: "basic" }, source)).toThrow(expect.objectContaining({ code: "INVALID_NAME", message: expect.stringContaining("not a valid npm package name") }));
  });

  it("refuses an unknown template", () => {
    expect(() => scaffold({ name: "x", template: "nope" as "basic" }, source)).toThrow(ScaffoldError);
  });

  it("throws UNKNOWN_PLACEHOLDER for a template that uses a placeholder it does not fill", () => {
    const broken: TemplateSource = { shared: [{ path: "a.txt", contents: "{{nope}}" }], templates: { basic: [], monitor: [] } };
    expect(() => scaffold({ name: "x", template: "basic" }, broken)).toThrow(expect.objectContaining({ code: "UNKNOWN_PLACEHOLDER", message: expect.stringContaining("a.txt") }));
  });

  it("lets a template's own file win over the shared one of the same path, and does not write _tools.md", () => {
    const layered: TemplateSource = {
      shared: [{ path: "x.txt", contents: "shared" }],
      templates: { basic: [{ path: "x.txt", contents: "own {{name}}" }, { path: "_tools.md", contents: "t" }], monitor: [] },
    };
    expect(scaffold({ name: "n", template: "basic" }, layered).files).toEqual([{ path: "x.txt", contents: "own n" }]);
  });
});
