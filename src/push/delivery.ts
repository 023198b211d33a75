// Every message stored in the push log reaches this instance's sockets once and in id order: the
// ones this instance stored, the ids other instances NOTIFY, and what was stored while the
// listener was reconnecting. Ids are taken before commit, so instances may commit (and NOTIFY) out
// of id order: a message after a missing id waits briefly for the ones before it.
import type { PushRepository, StoredMessage } from '../db/push.repository.js'
import { serialQueue } from '../util/serial-queue.js'
import { turnIfBusy } from '../util/event-loop.js'
import { remember } from './remember.js'

const RECENT = 2000
const HOLD_MS = 250

export class Delivery {
  private readonly queue = serialQueue()
  private readonly recent = new Set<number>()
  /** ids this instance stored: their NOTIFY needs no fetch (the message is in hand) */
  private readonly own = new Set<number>()
  private maxSeen = 0
  /** The id expected next; messages after a missing id wait in `held` for up to HOLD_MS. */
  private nextId = 1
  private readonly held = new Map<number, StoredMessage>()
  private holdTimer: NodeJS.Timeout | undefined
  private pending: number[] = []

  constructor (
    private readonly repo: PushRepository,
    /** hands one message to the sockets */
    private readonly fanOut: (m: StoredMessage) => void,
    private readonly onError: (err: unknown) => void
  ) {}

  /** Ids before the log's last one at start are history (a reconnecting screen asks for them). */
  async start (): Promise<void> {
    this.maxSeen = await this.repo.lastId()
    this.nextId = this.maxSeen + 1
  }

  /** A message this instance stored. */
  stored (m: StoredMessage): void {
    remember(this.own, m.id, RECENT)
    this.serially(async () => { this.deliver(m) })
  }

  /** A NOTIFY arrived: the ids heard in this tick are fetched in one query. */
  heard (id: number): void {
    if (this.recent.has(id) || this.own.has(id)) return
    this.pending.push(id)
    if (this.pending.length > 1) return
    this.serially(async () => {
      // a NOTIFY of our own statement can come before the statement's result (PGlite): let the
      // result land first, so a message this instance stored is not fetched back
      await new Promise((resolve) => setImmediate(resolve))
      const ids = this.pending.filter((i) => !this.recent.has(i) && !this.own.has(i))
      this.pending = []
      for (const m of await this.repo.byIds(ids)) this.deliver(m)
    })
  }

  /** After a (re)connect of the listener: what was stored while we were not listening. */
  catchUp (): void {
    this.serially(async () => {
      for (;;) {
        const batch = await this.repo.after(this.maxSeen, 500)
        for (const m of batch) this.deliver(m)
        if (batch.length < 500) return
      }
    })
  }

  /** Resolves once what was handed over so far has gone to the sockets. */
  async idle (): Promise<void> { await this.queue.idle() }

  async close (): Promise<void> {
    if (this.holdTimer !== undefined) clearTimeout(this.holdTimer)
    await this.queue.idle()
  }

  /**
   * One delivery after another; every few milliseconds of them the event loop gets a turn. A batch of
   * stored messages to 200 screens is 200 sends each: handed over in one go it kept the PBX's next
   * ring waiting behind it (the ring's p99 was the service's longest such chain).
   */
  private serially (task: () => Promise<void>): void {
    this.queue.run(async () => {
      const turn = turnIfBusy()
      if (turn !== undefined) await turn
      await task()
    }).catch(this.onError)
  }

  private deliver (m: StoredMessage): void {
    if (this.recent.has(m.id) || this.held.has(m.id)) return
    if (m.id > this.maxSeen) this.maxSeen = m.id
    if (m.id < this.nextId) { this.hand(m); return } // late (its hole was given up on): still deliver
    if (m.id > this.nextId) {
      // hold it until the ones before it arrive, so screens see ids in order and a "last id
      // seen" never skips one still coming; a rolled-back id is a hole given up on
      this.held.set(m.id, m)
      this.holdTimer ??= setTimeout(() => { this.serially(async () => { this.releaseHeld() }) }, HOLD_MS)
      return
    }
    this.hand(m)
    this.nextId = m.id + 1
    for (let next = this.held.get(this.nextId); next !== undefined; next = this.held.get(this.nextId)) {
      this.held.delete(next.id)
      this.hand(next)
      this.nextId = next.id + 1
    }
    if (this.held.size === 0 && this.holdTimer !== undefined) { clearTimeout(this.holdTimer); this.holdTimer = undefined }
  }

  /** The wait for missing ids is over: send what is held, in id order, and go on after it. */
  private releaseHeld (): void {
    this.holdTimer = undefined
    for (const m of [...this.held.values()].sort((a, b) => a.id - b.id)) {
      this.held.delete(m.id)
      this.hand(m)
      this.nextId = Math.max(this.nextId, m.id + 1)
    }
  }

  private hand (m: StoredMessage): void {
    remember(this.recent, m.id, RECENT)
    this.fanOut(m)
  }
}
