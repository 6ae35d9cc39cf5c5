// The `--import` argument that lets a child Node process run this project's TypeScript: tsx's
// loader by absolute URL, so the child works whatever its current directory is.
export const TSX_IMPORT: string = import.meta.resolve('tsx');

/** Node arguments that run the TypeScript file `entry` in a child process. */
export const tsxArgs = (entry: string): string[] => ['--import', TSX_IMPORT, entry];
