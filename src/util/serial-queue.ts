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
