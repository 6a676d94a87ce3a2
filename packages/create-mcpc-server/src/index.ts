/**
 * create-mcpc-server: `scaffold()` generates a project from a template (pure), `main()`
 * is the command-line shell around it.
 */
export { scaffold, ScaffoldError, PACKAGE_MANAGERS } from "./scaffold.js";
export type { ScaffoldOptions, ScaffoldResult, PackageManager } from "./scaffold.js";
export { readTemplates, isTemplateName, TEMPLATE_NAMES, TEMPLATE_DESCRIPTIONS, TEMPLATES_DIR } from "./templates.js";
export type { TemplateName, TemplateFile, TemplateSource } from "./templates.js";
export { validateProjectName, defaultDirectory } from "./names.js";
export type { NameCheck } from "./names.js";
export { main, processIo, command, EXIT } from "./cli.js";
export type { ShellIo } from "./cli.js";
export { MCPC_VERSION, CLI_VERSION, SDK_VERSION, ZOD_RANGE } from "./versions.js";
