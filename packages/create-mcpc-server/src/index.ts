/**
 * create-mcpc-server: `scaffold()` generates a project from a template (pure), `main()`
 * is the command-line shell around it. From a checkout of the mcpc repository the shell
 * packs its mcpc and @mcpc/cli into the project (`packCheckout`, `vendorDependencies`).
 */
export { scaffold, ScaffoldError, PACKAGE_MANAGERS } from "./scaffold.js";
export type { ScaffoldOptions, ScaffoldResult, PackageManager } from "./scaffold.js";
export { readTemplates, isTemplateName, TEMPLATE_NAMES, TEMPLATE_DESCRIPTIONS, TEMPLATES_DIR } from "./templates.js";
export type { TemplateName, TemplateFile, TemplateSource } from "./templates.js";
export { validateProjectName, defaultDirectory } from "./names.js";
export type { NameCheck } from "./names.js";
export { vendorDependencies } from "./vendored.js";
export type { VendoredPackages } from "./vendored.js";
export { findCheckout, readCheckout, packCheckout, SCAFFOLDER_DIR } from "./checkout.js";
export type { Checkout, PackedTarballs } from "./checkout.js";
export { main, processIo, command, EXIT } from "./cli.js";
export type { ShellIo } from "./cli.js";
export { MCPC_VERSION, CLI_VERSION, SDK_VERSION, ZOD_RANGE } from "./versions.js";
