// A bounded set of recent ids: the oldest is forgotten once it holds `max`.
export function remember (set: Set<number>, id: number, max: number): void {
  set.add(id)
  if (set.size > max) {
    const oldest = set.values().next().value
    if (oldest !== undefined) set.delete(oldest)
  }
}
