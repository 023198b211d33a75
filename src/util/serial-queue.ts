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

export interface Rerun {
  /** Runs the task now, or — when it is running — once more right after it (kicks meanwhile fold into one). */
  kick: () => void
  /** Resolves once no run is going on. */
  idle: () => Promise<void>
}

/**
 * One run of `task` at a time, as often as it was asked for but never two at once: a mailbox read
 * when a notification comes during a read, an outbox round when a reply is queued during one. While
 * `active()` is false no new run starts; a run that throws ends the repeats (the next kick starts again).
 */
export function rerunner (task: () => Promise<void>, active: () => boolean = () => true): Rerun {
  let running: Promise<void> | undefined
  let again = false
  const kick = (): void => {
    if (running !== undefined) { again = true; return }
    let done!: () => void
    running = new Promise<void>((resolve) => { done = resolve }) // before the task starts: a kick from its first line folds in
    void (async () => {
      try {
        do {
          again = false
          await task()
        } while (again && active())
      } catch { /* the task reports its own failure; the next kick starts again */ } finally {
        running = undefined
        done()
      }
    })()
  }
  return {
    kick,
    idle: async () => { while (running !== undefined) await running }
  }
}
