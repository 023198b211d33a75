// One task at a time, in the order given: the hub's deliveries, a socket's frames, the call
// tracking's events, the PBX state writes and the leader's start/stop hooks each keep their order so.

export interface SerialQueue {
  /** Runs the task once every task queued before it has settled; resolves or rejects with its result. */
  run: <T>(task: () => Promise<T> | T) => Promise<T>
  /** Resolves once everything queued so far has settled. */
  idle: () => Promise<void>
}

export function serialQueue (): SerialQueue {
  let tail: Promise<unknown> = Promise.resolve()
  return {
    run: <T>(task: () => Promise<T> | T): Promise<T> => {
      const result = tail.then(task)
      tail = result.then(() => {}, () => {}) // a failed task does not stop the ones after it
      return result
    },
    idle: async () => { await tail }
  }
}

export interface KeyedQueue {
  /**
   * Runs the task after the tasks queued before it with the same key, at most `limit` keys at
   * once; `null` is exclusive: it waits for every task before it, and every task after it waits for it.
   */
  run: <T>(key: string | null, task: () => Promise<T> | T) => Promise<T>
  /** Resolves once everything queued so far has settled. */
  idle: () => Promise<void>
}

/** One lane per key (a call's events keep their order), lanes side by side up to `limit`. */
export function keyedQueue (limit: number): KeyedQueue {
  const tails = new Map<string, Promise<void>>()
  let barrier: Promise<void> = Promise.resolve()
  let running = 0
  const waiting: Array<() => void> = []
  const settle = (p: Promise<unknown>): Promise<void> => p.then(() => {}, () => {})
  const slot = async (): Promise<void> => {
    if (running < limit) { running++; return }
    await new Promise<void>((resolve) => { waiting.push(resolve) })
  }
  const release = (): void => {
    const next = waiting.shift()
    if (next !== undefined) next() // the slot passes on
    else running--
  }
  return {
    run: <T>(key: string | null, task: () => Promise<T> | T): Promise<T> => {
      if (key === null) {
        const before = Promise.all([barrier, ...tails.values()])
        tails.clear()
        const result = before.then(task)
        barrier = settle(result)
        return result
      }
      // a key's tail is never older than the last exclusive task (tails are cleared by it)
      const result = (tails.get(key) ?? barrier).then(async () => {
        await slot()
        try { return await task() } finally { release() }
      })
      const tail = settle(result)
      tails.set(key, tail)
      void tail.then(() => { if (tails.get(key) === tail) tails.delete(key) })
      return result
    },
    idle: async () => { await Promise.all([barrier, ...tails.values()]) }
  }
}
