/** A command line the CLI cannot run: printed as one line, exit code 1. */
export class UsageError extends Error {}
