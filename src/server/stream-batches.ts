/** Splits a list into the chunks a Stream* RPC sends, one message per chunk. */
export function* batches<T>(items: T[], size = 100): Generator<T[]> {
  for (let i = 0; i < items.length; i += size) yield items.slice(i, i + size);
}
