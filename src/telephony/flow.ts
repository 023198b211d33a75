// Backpressure of the call tracking: what waits is counted (the events read and not folded in yet,
// the effects not followed up yet); when either passes its high-water mark every AMI source stops
// reading (the PBX's events wait in TCP, not in our memory), and reads again once both are low.

export interface FlowSource {
  pauseEvents: () => void
  resumeEvents: () => void
}

export interface FlowLimits {
  /** events waiting at which the reading pauses; it resumes at lowWater */
  highWater: number
  lowWater: number
  /** effects waiting at which the reading pauses too; it resumes at a quarter of it */
  followUpHighWater: number
}

export interface FlowState { queued: number, peak: number, followUps: number, followUpsPeak: number, paused: boolean, pauses: number }

export interface Flow {
  /** A source to hold back with the others (paused at once when the pipeline is behind). */
  attach: (source: FlowSource) => void
  eventQueued: () => void
  eventDone: () => void
  followUpQueued: () => void
  followUpDone: () => void
  readonly paused: boolean
  state: () => FlowState
}

export function flowControl (limits: FlowLimits, onPause: (waiting: { queued: number, followUps: number }) => void = () => {}): Flow {
  const sources: FlowSource[] = []
  let queued = 0
  let peak = 0
  let followUps = 0
  let followUpsPeak = 0
  let paused = false
  let pauses = 0
  const checkBehind = (): void => {
    if (paused || (queued < limits.highWater && followUps < limits.followUpHighWater)) return
    paused = true
    pauses++
    onPause({ queued, followUps })
    for (const s of sources) s.pauseEvents()
  }
  const checkCaughtUp = (): void => {
    if (!paused || queued > limits.lowWater || followUps > limits.followUpHighWater / 4) return
    paused = false
    for (const s of sources) s.resumeEvents()
  }
  return {
    attach: (source) => {
      sources.push(source)
      if (paused) source.pauseEvents()
    },
    eventQueued: () => {
      queued++
      if (queued > peak) peak = queued
      checkBehind()
    },
    eventDone: () => { --queued; checkCaughtUp() },
    followUpQueued: () => {
      followUps++
      if (followUps > followUpsPeak) followUpsPeak = followUps
      checkBehind()
    },
    followUpDone: () => { --followUps; checkCaughtUp() },
    get paused () { return paused },
    state: () => ({ queued, peak, followUps, followUpsPeak, paused, pauses })
  }
}
