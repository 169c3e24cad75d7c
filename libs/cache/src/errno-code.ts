/** The `code` of a Node system error (ENOENT, EEXIST, ...), if any. */
export function errnoCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}
