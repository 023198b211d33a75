// Every instance answers /health, but only the elected one holds the AMI link (and the mailbox's):
// it records the link's state in the database, and a standby instance reports what the leader
// recorded (so a load balancer or an administrator asking any instance learns whether the PBX is
// connected).
import type { ClusterRepository } from '../db/cluster.repository.js'

export type AmiLinkStatus = 'disabled' | 'connected' | 'disconnected'

export interface SharedAmiStatusOptions {
  cluster: ClusterRepository
  isLeader: () => boolean
  /** this instance's own link (meaningful on the leader) */
  own: () => AmiLinkStatus
  clock: () => Date
  everyMs?: number
  /** a leader's record older than this is a leader gone: disconnected */
  staleMs?: number
  onError?: (err: unknown) => void
  /** the fact's name in cluster_status: 'ami' (default), or 'mail' for the mailbox link */
  key?: string
  /** whether any instance leads now (the leader lock is held): a killed leader's record is not believed */
  leaderAlive?: () => Promise<boolean>
  /** how often a standby reads (default 1 s: it learns of a dead leader within it) */
  readEveryMs?: number
}

export function sharedAmiStatus (opts: SharedAmiStatusOptions): { status: () => AmiLinkStatus, refresh: () => Promise<void>, close: () => void } {
  const everyMs = opts.everyMs ?? 5000
  const readEveryMs = Math.min(opts.readEveryMs ?? 1000, everyMs)
  const staleMs = opts.staleMs ?? 6 * everyMs
  const KEY = opts.key ?? 'ami'
  let reported: AmiLinkStatus = 'disconnected'
  let written: { value: AmiLinkStatus, at: number } | undefined
  const refresh = async (): Promise<void> => {
    const now = opts.clock()
    if (opts.isLeader()) {
      // written when it changes and every everyMs, though the timer ticks at the standby's pace
      const own = opts.own()
      if (written !== undefined && written.value === own && now.getTime() - written.at < everyMs) return
      await opts.cluster.put(KEY, own, now)
      written = { value: own, at: now.getTime() }
      return
    }
    written = undefined
    const row = await opts.cluster.get(KEY)
    const fresh = row !== undefined && now.getTime() - row.updatedAt.getTime() <= staleMs
    const alive = opts.leaderAlive === undefined || await opts.leaderAlive()
    reported = fresh && alive && (row.value === 'connected' || row.value === 'disconnected') ? row.value : 'disconnected'
  }
  const timer = setInterval(() => { refresh().catch((err: unknown) => opts.onError?.(err)) }, readEveryMs)
  timer.unref()
  return {
    status: () => opts.isLeader() ? opts.own() : reported,
    refresh,
    close: () => { clearInterval(timer) }
  }
}
