// Whether the database is taking writes. `select 1` answers on a full disk, so /health alone would
// say "ok" while every write fails; the requests that met the failure say so here, and the next
// write that succeeds (or a quiet minute without failures) clears it.
import { isStorageUnavailable } from './connection-errors.js'

const FORGET_AFTER_MS = 60_000

export interface StorageHealth {
  /** Records err when it is a storage failure; true when it was one. */
  failed: (err: unknown) => boolean
  succeeded: () => void
  /** 'failing' while writes have failed more recently than one succeeded (within the last minute). */
  state: () => 'ok' | 'failing'
}

export function storageHealth (clock: () => Date): StorageHealth {
  let lastFailure: number | undefined
  return {
    failed: (err) => {
      if (!isStorageUnavailable(err)) return false
      lastFailure = clock().getTime()
      return true
    },
    succeeded: () => { lastFailure = undefined },
    state: () => lastFailure !== undefined && clock().getTime() - lastFailure < FORGET_AFTER_MS ? 'failing' : 'ok'
  }
}
