// Realistic unique calls in bulk, for the load tests and `npm run bench`: copies of the recorded
// transcripts, each relabelled to new Linkedids and interleaved in time, so many calls are in
// progress at once. The expected call log comes from the pure tracker (normalize → step) over the
// same bytes, so a test compares what the service stored with what the events say.
import { relabel, loadTranscript, type Transcript, type TranscriptBlock } from '../../src/ami/simulator.js'
import { fromRaw } from '../../src/ami/message.js'
import { normalize } from '../../src/ami/normalize.js'
import { step } from '../../src/calls/step.js'
import type { Call } from '../../src/calls/call.js'
import { DID } from './ami.js'

/** The recorded single-connection scenarios (ami-reconnect drops its connection: not a flood). */
export const FLOOD_SCENARIOS = ['answered', 'abandoned-ringing', 'busy', 'out-of-hours', 'two-concurrent-calls', 'queue'] as const

export interface Flood {
  transcript: Transcript
  /** the calls the events describe, as the pure tracker ends them (key: Linkedid) */
  expected: Map<string, Call>
  /** Linkedids of the calls that rang (each should have one draft) */
  rang: Set<string>
  events: number
}

/**
 * `copies` scenario copies (round-robin over FLOOD_SCENARIOS), the i-th starting i × spacingMs
 * after the first (recorded timing inside each), Linkedid epochs from `firstEpoch` on.
 */
export function flood (copies: number, opts: { spacingMs?: number, firstEpoch?: number } = {}): Flood {
  const spacing = opts.spacingMs ?? 20
  const first = opts.firstEpoch ?? 1_900_000_000
  const recorded = FLOOD_SCENARIOS.map((name) => loadTranscript(name))
  const all: TranscriptBlock[] = []
  for (let i = 0; i < copies; i++) {
    const tr = callers(relabel(recorded[i % recorded.length]!, first + i), i)
    const t0 = tr.blocks[0]?.t ?? 0
    for (const b of tr.blocks) all.push({ ...b, conn: 1, t: i * spacing + (b.t - t0) })
  }
  all.sort((a, b) => a.t - b.t) // stable: a copy's blocks keep their order
  const transcript: Transcript = { name: `flood-${copies}`, blocks: all }
  const { expected, rang, events } = track(transcript)
  return { transcript, expected, rang, events }
}

/** Every copy calls from its own numbers (the recordings use two), as a real day's callers do. */
function callers (tr: Transcript, i: number): Transcript {
  const n = String(i).padStart(7, '0')
  return {
    name: tr.name,
    blocks: tr.blocks.map((b) => ({ ...b, bytes: Buffer.from(b.bytes.toString('utf8').replaceAll('+79123456789', `+7912${n}`).replaceAll('+79220001122', `+7922${n}`), 'utf8') }))
  }
}

/** The pure tracker over a transcript's bytes: the call log the events describe. */
export function track (tr: Transcript): { expected: Map<string, Call>, rang: Set<string>, events: number } {
  const expected = new Map<string, Call>()
  const rang = new Set<string>()
  let events = 0
  const at = new Date()
  for (const b of tr.blocks) {
    const headers = splitBlock(b.bytes.toString('utf8'))
    const m = fromRaw(headers)
    if (!m.ok || m.message.kind !== 'event') continue
    events++
    const ev = normalize(m.message, at)
    if (ev === undefined) continue
    const r = step(expected.get(ev.linkedId), ev, { helpdeskDid: DID })
    if (r.call === undefined) continue
    expected.set(ev.linkedId, r.call)
    if (r.effects.some((e) => e.type === 'call.ringing')) rang.add(ev.linkedId)
  }
  return { expected, rang, events }
}

function splitBlock (text: string): Record<string, string> {
  const headers: Record<string, string> = {}
  for (const line of text.split('\r\n')) {
    const i = line.indexOf(': ')
    if (i > 0) {
      const key = line.slice(0, i).toLowerCase()
      if (headers[key] === undefined) headers[key] = line.slice(i + 2)
    }
  }
  return headers
}
