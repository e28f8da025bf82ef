// Tag operations, mirroring Sources/TandemCore/OT/TagOperation.swift (PROTOCOL.md §5.7): set semantics, and of two
// concurrent operations touching one tag in opposite ways the one the server ordered later wins.

/** Tags added and removed by one operation (as the server sends them: normalized, the two lists disjoint). */
export interface TagChange {
  add: string[];
  remove: string[];
}

/** The tags after `op`; adding wins over removing the same tag in one operation. */
export function applyTags(tags: readonly string[], op: TagChange): string[] {
  const set = new Set(tags);
  op.add.forEach((t) => set.add(t));
  op.remove.forEach((t) => {
    if (!op.add.includes(t)) set.delete(t);
  });
  return [...set].sort();
}

/** The earlier `op` without the changes that the later, concurrent `winner` reverses. */
export function yieldTags(op: TagChange, winner: TagChange): TagChange {
  return { add: op.add.filter((t) => !winner.remove.includes(t)), remove: op.remove.filter((t) => !winner.add.includes(t)) };
}
