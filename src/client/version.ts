// The package name and version for the User-Agent header. Kept as constants because reading
// package.json at run time is awkward under ESM and in bundles; a test keeps them in sync.
export const PACKAGE_NAME = "uipath-identity-toolkit";
export const PACKAGE_VERSION = "0.1.0";
