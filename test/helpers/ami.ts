// AMI test plumbing: the simulator, the real client pointed at it, and the call tracker fed by it.
import type { Test } from 'tap'
import { AmiSimulator, type LiveChannel, type SimulatorOptions, type Transcript } from '../../src/ami/simulator.js'
import { AmiClient, type AmiClientOptions, type AmiLogger } from '../../src/ami/client.js'
import { parseAmiUrl } from '../../src/config.js'
import { normalize } from '../../src/ami/normalize.js'
import type { AmiMessage } from '../../src/ami/message.js'
import { step } from '../../src/calls/step.js'
import type { Call, CallEffect } from '../../src/calls/call.js'

export const DID = '73452290256'

export interface LogLine { level: string, msg: string, obj: Record<string, unknown> }

/** A logger that remembers every line (tests assert on them). */
export function memoryLogger (): AmiLogger & { lines: LogLine[] } {
  const lines: LogLine[] = []
  const at = (level: string) => (obj: object, msg: string): void => { lines.push({ level, msg, obj: obj as Record<string, unknown> }) }
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') }
}

export async function simulator (t: Test, opts: SimulatorOptions = {}): Promise<AmiSimulator> {
  const sim = await AmiSimulator.start({ loginFailDelayMs: 50, ...opts })
  t.teardown(async () => { await sim.close() })
  return sim
}

export function client (t: Test, url: string, opts: Partial<AmiClientOptions> = {}): AmiClient & { logs: ReturnType<typeof memoryLogger> } {
  const endpoint = parseAmiUrl(url)
  if (endpoint === undefined) throw new Error(`bad AMI url ${url}`)
  const log = memoryLogger()
  const c = new AmiClient({ endpoint, log, minBackoffMs: 20, maxBackoffMs: 200, ...opts })
  t.teardown(async () => { await c.stop() })
  return Object.assign(c, { logs: log })
}

export async function waitFor (what: string, cond: () => boolean, timeoutMs = 5000): Promise<void> {
  const start = Date.now()
  while (!cond()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
}

let sentinels = 0
/** Resolves once every event the simulator has sent so far has reached the client: a UserEvent sent
 *  after them arrives last (TCP keeps order), so a test never guesses how long delivery takes. */
export async function allDelivered (sim: AmiSimulator, c: AmiClient, timeoutMs = 10_000): Promise<void> {
  const tag = `delivered-${process.pid}-${++sentinels}`
  let seen = false
  const onEvent = (msg: AmiMessage): void => { if (msg.headers.userevent === tag) seen = true }
  c.on('event', onEvent)
  try {
    await sim.inject(`Event: UserEvent\r\nPrivilege: user,all\r\nUserEvent: ${tag}\r\n\r\n`)
    await waitFor(`the sentinel ${tag}`, () => seen, timeoutMs)
  } finally { c.off('event', onEvent) }
}

/** The pure tracker driven by a client: every AMI event → normalize → step, effects recorded. */
export function tracker (c: AmiClient, clock: () => Date = () => new Date()): { calls: Map<string, Call>, effects: CallEffect[], events: AmiMessage[] } {
  const calls = new Map<string, Call>()
  const effects: CallEffect[] = []
  const events: AmiMessage[] = []
  c.on('event', (msg) => {
    events.push(msg)
    const ev = normalize(msg, clock())
    if (ev === undefined) return
    const r = step(calls.get(ev.linkedId), ev, { helpdeskDid: DID })
    if (r.call !== undefined) calls.set(ev.linkedId, r.call)
    effects.push(...r.effects)
  })
  return { calls, effects, events }
}

/** A recorded block's headers, lower-cased names, first value of each. */
export function headersOf (bytes: Buffer): Record<string, string> {
  const h: Record<string, string> = {}
  for (const line of bytes.toString('utf8').split('\r\n')) {
    const i = line.indexOf(': ')
    if (i > 0 && h[line.slice(0, i).toLowerCase()] === undefined) h[line.slice(0, i).toLowerCase()] = line.slice(i + 2)
  }
  return h
}

/** What the PBX itself had up after the blocks [0, upTo]: the answer CoreShowChannels gives then. */
export function channelsAfter (tr: Transcript, upTo: number): LiveChannel[] {
  const live = new Map<string, LiveChannel>()
  for (const block of tr.blocks.slice(0, upTo + 1)) {
    const h = headersOf(block.bytes)
    const uniqueId = h.uniqueid
    if (uniqueId === undefined) continue
    const known = live.get(uniqueId)
    switch (h.event) {
      case 'Newchannel':
        live.set(uniqueId, {
          Channel: h.channel ?? '', Uniqueid: uniqueId, Linkedid: h.linkedid ?? uniqueId, CallerIDNum: h.calleridnum ?? '',
          ChannelStateDesc: (h.channelstatedesc ?? 'Ring') as LiveChannel['ChannelStateDesc'], Context: h.context ?? '', Exten: h.exten ?? '', Seconds: 1
        })
        break
      case 'Newstate':
        if (known !== undefined) known.ChannelStateDesc = (h.channelstatedesc ?? known.ChannelStateDesc) as LiveChannel['ChannelStateDesc']
        break
      case 'VarSet':
        if (known !== undefined && (h.variable === 'HD_STATUS' || h.variable === 'MIXMONITOR_FILENAME')) {
          known.variables = { ...known.variables, [h.variable]: h.value ?? '' }
        }
        break
      case 'BridgeEnter':
        if (known !== undefined) known.BridgeId = h.bridgeuniqueid
        break
      case 'BridgeLeave':
        if (known !== undefined) delete known.BridgeId
        break
      case 'Hangup':
        live.delete(uniqueId)
        break
    }
  }
  return [...live.values()]
}
