/** This package's version (kept equal to package.json by a test); legacy handshake answers report it as `mcpc_version`. */
export const MCPC_PACKAGE_VERSION = "0.1.0";
