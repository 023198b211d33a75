// PGlite answers in the same thread as the service, its promises resolving without a turn of the
// event loop: a queue of its statements (or of work on memory) would keep the loop from reading
// the sockets — the PBX's next events and the screens wait for the whole backlog. Busy queues
// call this between tasks: every few milliseconds of work it lets the loop read the sockets.

/** The most a queue works before it lets the event loop in. */
const BUSY_MS = 5
let lastTurn = performance.now()

/** A promise to await when the loop has not had a turn for BUSY_MS; undefined (go on) before that. */
export function turnIfBusy (): Promise<void> | undefined {
  if (performance.now() - lastTurn < BUSY_MS) return undefined
  return new Promise<void>((resolve) => { setImmediate(() => { lastTurn = performance.now(); resolve() }) })
}
