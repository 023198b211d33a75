// The service is the authority on the schedule; the PBX follows it through three global dialplan
// variables: HELPDESK_STATE (open | lunch | before-hours | after-hours | weekend | holiday),
// HELPDESK_UNTIL (epoch seconds of the next boundary) and HELPDESK_UNTIL_LOCAL (readable), set with
// the AMI Setvar action (no Channel: a global; class `call`, so the account needs neither `system`
// nor config access) on every (re)connect, at every boundary and when the head edits the calendar.
// dialplan/extensions.conf falls back to its static schedule once HELPDESK_UNTIL has passed or is
// empty (an Asterisk restart clears globals), so a stopped service never leaves the PBX without a decision.
import { DateTime } from 'luxon'
import { scheduleState, stateUntil, type WorkCalendar } from '../calendar/index.js'
import type { AmiClient, AmiLogger } from './client.js'
import { serialQueue } from '../util/serial-queue.js'

/** The global variables the dialplan reads (dialplan/extensions.conf). */
export const STATE_VARIABLES = { state: 'HELPDESK_STATE', until: 'HELPDESK_UNTIL', untilLocal: 'HELPDESK_UNTIL_LOCAL' } as const

export interface PbxState {
  state: 'open' | 'lunch' | 'before-hours' | 'after-hours' | 'weekend' | 'holiday'
  /** The next instant the state may change (a schedule boundary or local midnight). */
  until: Date
}

/** Pure: the state at `at` and until when it holds. */
export function pbxState (at: Date, cal: WorkCalendar): PbxState {
  const local = DateTime.fromJSDate(at, { zone: cal.schedule.zone })
  const until = stateUntil(local, cal) ?? local.startOf('day').plus({ days: 1 })
  return { state: scheduleState(local, cal).reason, until: until.toJSDate() }
}

export interface PbxStateWriterDeps {
  ami: Pick<AmiClient, 'on' | 'action' | 'status'>
  calendar: { current: () => WorkCalendar, onChange: (listener: () => void) => () => void }
  clock: () => Date
  log: AmiLogger
  /** re-check at least this often (clock jumps, a failed write); default 10 min */
  maxSleepMs?: number
  /** retry delay after a failed write; default 30 s */
  retryMs?: number
}

export interface PbxStateWriter {
  /** Writes the current state now (when connected). */
  push: () => Promise<PbxState | undefined>
  stop: () => void
  last: () => PbxState | undefined
}

export function startPbxStateWriter (deps: PbxStateWriterDeps): PbxStateWriter {
  const { ami, log } = deps
  let timer: NodeJS.Timeout | undefined
  let stopped = false
  let last: PbxState | undefined
  const writes = serialQueue()

  const schedule = (ms: number): void => {
    clearTimeout(timer)
    if (stopped) return
    timer = setTimeout(() => { void push() }, Math.max(50, ms))
  }

  const write = async (): Promise<PbxState | undefined> => {
    if (ami.status.state !== 'connected') return undefined // the next 'connected' writes
    const now = deps.clock()
    const st = pbxState(now, deps.calendar.current())
    try {
      // the state first, then its expiry: a call between the two sees the new state with the old expiry
      await ami.action({ Action: 'Setvar', Variable: STATE_VARIABLES.state, Value: st.state })
      await ami.action({ Action: 'Setvar', Variable: STATE_VARIABLES.until, Value: String(Math.floor(st.until.getTime() / 1000)) })
      await ami.action({ Action: 'Setvar', Variable: STATE_VARIABLES.untilLocal, Value: DateTime.fromJSDate(st.until, { zone: deps.calendar.current().schedule.zone }).toISO() ?? '' })
      if (last?.state !== st.state || last.until.getTime() !== st.until.getTime()) {
        log.info({ state: st.state, until: st.until.toISOString() }, 'PBX state written (global dialplan variables)')
      }
      last = st
      schedule(Math.min(st.until.getTime() - now.getTime() + 1000, deps.maxSleepMs ?? 600_000))
      return st
    } catch (err) {
      log.warn({ err }, 'PBX state: Setvar failed; retrying (check the AMI account has write = call)')
      schedule(deps.retryMs ?? 30_000)
      return undefined
    }
  }

  // one write at a time; a request during a write runs after it
  const push = async (): Promise<PbxState | undefined> => await writes.run(write)

  ami.on('connected', () => { void push() })
  const unsubscribe = deps.calendar.onChange(() => { void push() })
  if (ami.status.state === 'connected') void push()

  return {
    push,
    last: () => last,
    stop: () => { stopped = true; clearTimeout(timer); unsubscribe() }
  }
}
