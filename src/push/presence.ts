// Who is at a screen (on any instance) and who is talking on a call: each instance counts its own
// screens per user in the push_presence table, refreshed every heartbeat; rows of an instance that
// stopped refreshing expire. Every change is published as the full `presence` list.
import type { PushRepository } from '../db/push.repository.js'
import type { User, UsersRepository } from '../db/users.repository.js'
import { holder } from '../calls/call.js'
import { toSnapshot } from './call-messages.js'
import type { PresenceView } from './messages.js'

export interface PresenceOptions {
  repo: PushRepository
  users: Pick<UsersRepository, 'list'>
  instanceId: string
  clock: () => Date
  /** a row not refreshed for this long belongs to an instance gone */
  ttlMs: number
  /** a call with no message for this long is not "in progress" any more (its end was lost) */
  callStaleMs: number
  /** publishes the presence list to every screen */
  publish: (specialists: PresenceView[]) => Promise<unknown>
  /**
   * Runs the reading and the publishing of one list in line with the call messages (the hub's call
   * queue), so a list stored after a call message was read after it: never older than its id says.
   */
  inLine?: <T>(fn: () => Promise<T>) => Promise<T>
  log: { warn: (obj: object, msg: string) => void, debug: (obj: object, msg: string) => void }
}

/** At most one presence list this often: the changes meanwhile are folded into the next one. */
const ANNOUNCE_EVERY_MS = 100

export class Presence {
  private readonly localCount = new Map<number, number>()
  private closing = false
  /** the announcement being published, and the one asked for meanwhile (shared by every caller) */
  private running: Promise<void> | undefined
  private next: Promise<void> | undefined
  private lastStart = 0

  constructor (private readonly opts: PresenceOptions) {}

  /** One more screen of this user on this instance. */
  joined (user: User): void {
    const n = (this.localCount.get(user.id) ?? 0) + 1
    this.localCount.set(user.id, n)
    void this.changed(user.id, n, n === 1)
  }

  /** One screen fewer. */
  left (user: User): void {
    const n = (this.localCount.get(user.id) ?? 1) - 1
    if (n <= 0) this.localCount.delete(user.id)
    else this.localCount.set(user.id, n)
    void this.changed(user.id, n, n === 0)
  }

  /** The full presence list as a new screen or a presence message shows it. */
  async list (): Promise<PresenceView[]> {
    const now = this.opts.clock()
    const [users, online, calls] = await Promise.all([
      this.opts.users.list(),
      this.opts.repo.online(new Date(now.getTime() - this.opts.ttlMs)),
      this.opts.repo.talkingCalls(new Date(now.getTime() - this.opts.callStaleMs))
    ])
    // this instance's own screens count at once (their rows may still be on the way)
    const onlineIds = new Set([...online.map((r) => r.userId), ...this.localCount.keys()])
    const onCall = new Map<string, string>()
    for (const c of calls) {
      const { call } = toSnapshot(c)
      const ext = call === undefined ? null : holder(call)
      if (call?.state === 'talking' && ext !== null) onCall.set(ext, call.linkedId)
    }
    return users.filter((u) => u.active && (u.role === 'specialist' || u.extension !== null)).map((u) => ({
      userId: u.id, fullName: u.fullName, extension: u.extension, role: u.role,
      online: onlineIds.has(u.id),
      onCall: u.extension === null ? null : onCall.get(u.extension) ?? null
    }))
  }

  /**
   * Publishes the current list (who is on a call changed). Changes that come while a list is being
   * read and published are folded into one more list after it: at 50 calls a second a screen gets
   * the latest presence up to ten times a second, not one list (four queries) per call message.
   */
  async announce (): Promise<void> {
    if (this.running === undefined) { await this.start(); return }
    this.next ??= this.running.catch(() => {}).then(async () => { this.next = undefined; await (this.running ?? this.start()) })
    await this.next
  }

  /** Resolves once the announcements asked for so far are published (or failed). */
  async idle (): Promise<void> {
    while (this.running !== undefined || this.next !== undefined) await (this.next ?? this.running)?.catch(() => {})
  }

  private async start (): Promise<void> {
    const run = (async () => {
      const wait = this.lastStart + ANNOUNCE_EVERY_MS - Date.now()
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait))
      this.lastStart = Date.now()
      const publish = async (): Promise<void> => { await this.opts.publish(await this.list()) }
      await (this.opts.inLine === undefined ? publish() : this.opts.inLine(publish))
    })()
    this.running = run
    try { await run } finally { if (this.running === run) this.running = undefined }
  }

  /** Heartbeat: this instance's rows stay fresh; the rows of an instance gone expire (and are announced). */
  async refresh (now: Date): Promise<void> {
    await this.opts.repo.refreshPresence(this.opts.instanceId, now)
    const expired = await this.opts.repo.expirePresence(new Date(now.getTime() - this.opts.ttlMs))
    if (expired > 0) await this.announce()
  }

  /** On close: this instance's screens leave, and the other instances' screens see them go. */
  async close (): Promise<void> {
    this.closing = true
    await this.idle()
    const hadScreens = this.localCount.size > 0
    this.localCount.clear()
    try {
      await this.opts.repo.clearPresence(this.opts.instanceId)
      if (hadScreens) await this.announce()
    } catch (err) {
      this.opts.log.debug({ err: (err as Error).message }, 'push: presence not cleared on close')
    }
  }

  private async changed (userId: number, connections: number, announce: boolean): Promise<void> {
    try {
      await this.opts.repo.setPresence(this.opts.instanceId, userId, connections, this.opts.clock())
      if (announce) await this.announce()
    } catch (err) {
      if (!this.closing) this.opts.log.warn({ err: (err as Error).message }, 'push: presence update failed')
    }
  }
}
