/** This package's version (kept equal to package.json by a test): what `mcpc --version` prints and the CLI's client reports. */
export const CLI_VERSION = "0.1.0";
