// The host's version, which plugins name a semver range for in `meta.host`. It follows the package
// version (a test keeps the two equal); a plugin API change that breaks plugins bumps the major.
export const HOST_VERSION = "0.1.0";
