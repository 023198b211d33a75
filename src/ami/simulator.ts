// A PBX stand-in for tests and `npm run demo`: a real TCP server on 127.0.0.1 speaking AMI like
// the lab Asterisk 22 of test/fixtures/ami (banner, Login with the 1 s failure delay and close,
// Ping, global variables, AstDB, CoreShowChannels/Status/DeviceStateList lists, Permission denied outside the
// account's write classes) that replays recorded transcripts with their timing.
import net from 'node:net'
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { DateTime } from 'luxon'
import { mayWrite } from './privileges.js'

export const FIXTURES_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../test/fixtures/ami')
export const CALL_TRANSCRIPTS = ['answered', 'abandoned-ringing', 'busy', 'out-of-hours', 'two-concurrent-calls', 'queue', 'ami-reconnect'] as const

export interface TranscriptBlock {
  /** ms since the recording started, when the block was complete */
  t: number
  /** TCP connection number in the recording (ami-reconnect has 2) */
  conn: number
  head: string
  bytes: Buffer
}

export interface Transcript {
  name: string
  /** Events only: replies to the recorder's own actions (Login, Logoff) are left out. */
  blocks: TranscriptBlock[]
}

/** Reads `<name>.recv.raw` + `<name>.timing.jsonl` (the recorder's format, see the fixtures README). */
export function loadTranscript (name: string, dir = FIXTURES_DIR): Transcript {
  const raw = fs.readFileSync(path.join(dir, `${name}.recv.raw`))
  const blocks: TranscriptBlock[] = []
  for (const line of fs.readFileSync(path.join(dir, `${name}.timing.jsonl`), 'utf8').split('\n')) {
    if (line.trim() === '') continue
    const item = JSON.parse(line) as { kind: string, t: number, conn: number, offset: number, len: number, head: string }
    if (item.kind !== 'block' || item.head.startsWith('Response:')) continue
    blocks.push({ t: item.t, conn: item.conn, head: item.head, bytes: raw.subarray(item.offset, item.offset + item.len) })
  }
  return { name, blocks }
}

/** A transcript from literal blocks (synthetic scenarios); `t` in ms. */
export function transcriptOf (name: string, blocks: Array<{ t: number, text: string, conn?: number }>): Transcript {
  return {
    name,
    blocks: blocks.map((b) => {
      const text = b.text.replace(/\r?\n/g, '\r\n').replace(/(\r\n)*$/, '\r\n\r\n')
      return { t: b.t, conn: b.conn ?? 1, head: text.slice(0, text.indexOf('\r\n')), bytes: Buffer.from(text, 'utf8') }
    })
  }
}

/** One live channel for CoreShowChannels / Status answers; headers in Asterisk spelling. */
export interface LiveChannel {
  Channel: string
  Uniqueid: string
  Linkedid: string
  CallerIDNum: string
  ChannelStateDesc: 'Up' | 'Ring' | 'Ringing' | 'Down'
  Context: string
  Exten: string
  /** seconds since the channel appeared */
  Seconds: number
  BridgeId?: string
  ConnectedLineNum?: string
  /** dialplan variables, returned by Status with Variables= */
  variables?: Record<string, string>
}

export interface SimulatorOptions {
  username?: string
  secret?: string
  port?: number
  /** Asterisk sleeps 1 s before `Authentication failed` */
  loginFailDelayMs?: number
  /**
   * The account's `write` classes (manager.conf); an action outside them is answered
   * `Permission denied` as Asterisk does (src/ami/privileges.ts). Unset: every class (the lab account).
   */
  writeClasses?: readonly string[]
}

interface Session {
  socket: net.Socket
  buffer: string
  authenticated: boolean
}

export interface ReceivedAction {
  action: string
  fields: Record<string, string>
}

export interface PlayOptions {
  /** 1 = recorded timing, 10 = ten times faster, Infinity = all at once */
  speed?: number
  /** write in slices of this many bytes (tests the client's reassembly) */
  chunkBytes?: number
  /** play blocks [from, to) only */
  from?: number
  to?: number
}

export class AmiSimulator {
  readonly username: string
  readonly secret: string
  /** AstDB: 'family/key' → value */
  readonly astdb = new Map<string, string>()
  /** global dialplan variables (Setvar without Channel) */
  readonly globals = new Map<string, string>()
  /** what CoreShowChannels and Status report */
  channels: LiveChannel[] = []
  /**
   * Asterisk's device state cache, what DeviceStateList reports ('PJSIP/101' → 'NOT_INUSE'); the
   * DeviceStateChange events of a played transcript update it, as they do on the PBX.
   */
  readonly deviceStates = new Map<string, string>()
  /** every action received (the secret is masked) */
  readonly received: ReceivedAction[] = []
  /** false: Ping gets no answer (half-open connection for keep-alive tests) */
  answerPing = true
  private readonly sessions = new Set<Session>()
  private readonly server: net.Server
  private readonly loginFailDelayMs: number
  private readonly writeClasses: readonly string[]
  private loginCount = 0
  private loginWaiters: Array<{ count: number, resolve: () => void }> = []

  private constructor (server: net.Server, opts: SimulatorOptions) {
    this.server = server
    this.username = opts.username ?? 'callog'
    this.secret = opts.secret ?? 'callogsecret'
    this.loginFailDelayMs = opts.loginFailDelayMs ?? 1000
    this.writeClasses = opts.writeClasses ?? ['all']
  }

  static async start (opts: SimulatorOptions = {}): Promise<AmiSimulator> {
    const server = net.createServer()
    const sim = new AmiSimulator(server, opts)
    server.on('connection', (socket) => { sim.accept(socket) })
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(opts.port ?? 0, '127.0.0.1', () => { resolve() })
    })
    return sim
  }

  get port (): number {
    return (this.server.address() as net.AddressInfo).port
  }

  /** AMI_URL for the service; `secret` overrides the right one (wrong-credentials tests). */
  url (secret = this.secret): string {
    return `ami://${encodeURIComponent(this.username)}:${encodeURIComponent(secret)}@127.0.0.1:${this.port}`
  }

  /** Logged-in sessions right now. */
  get connections (): number {
    return [...this.sessions].filter((s) => s.authenticated).length
  }

  /** Resolves once `count` successful logins have happened since start. */
  async waitForLogin (count = 1): Promise<void> {
    if (this.loginCount >= count) return
    await new Promise<void>((resolve) => { this.loginWaiters.push({ count, resolve }) })
  }

  /** Replays a transcript's events to every logged-in session (waits for one). */
  async play (transcript: Transcript | string, opts: PlayOptions = {}): Promise<void> {
    const tr = typeof transcript === 'string' ? loadTranscript(transcript) : transcript
    const speed = opts.speed ?? Infinity
    const blocks = tr.blocks.slice(opts.from ?? 0, opts.to ?? tr.blocks.length)
    await this.waitForLogin(Math.max(1, this.loginCount))
    let conn = blocks[0]?.conn ?? 1
    let prevT = blocks[0]?.t ?? 0
    let batch: Buffer[] = []
    const flush = async (): Promise<void> => {
      if (batch.length > 0) await this.write(batch, opts.chunkBytes)
      batch = []
    }
    for (const block of blocks) {
      if (block.conn !== conn) {
        // the recorded connection ended here (Asterisk restarted): drop, wait for the client's new login
        await flush()
        const logins = this.loginCount
        this.dropConnections()
        await this.waitForLogin(logins + 1)
        conn = block.conn
      } else if (Number.isFinite(speed) && block.t > prevT) {
        await flush()
        await sleep((block.t - prevT) / speed)
      }
      prevT = block.t
      batch.push(block.bytes)
      if (block.head === 'Event: DeviceStateChange') this.noteDeviceState(block.bytes.toString('utf8'))
    }
    await flush()
  }

  /** A device's state changes: the cache is updated and every session gets the event (class call). */
  async setDeviceState (device: string, state: string): Promise<void> {
    this.deviceStates.set(device, state)
    await this.write(Buffer.from(`Event: DeviceStateChange\r\nPrivilege: call,all\r\nDevice: ${device}\r\nState: ${state}\r\n\r\n`, 'utf8'))
  }

  private noteDeviceState (block: string): void {
    const device = /\r\nDevice: ([^\r\n]*)/.exec(block)?.[1]
    const state = /\r\nState: ([^\r\n]*)/.exec(block)?.[1]
    if (device !== undefined && state !== undefined) this.deviceStates.set(device, state)
  }

  /** Raw bytes to every logged-in session (garbage, truncated blocks, hand-written events). */
  async inject (raw: string | Buffer, chunkBytes?: number): Promise<void> {
    await this.write(typeof raw === 'string' ? Buffer.from(raw, 'utf8') : raw, chunkBytes)
  }

  /** Closes every connection at once, like an Asterisk restart or a network cut. */
  dropConnections (): void {
    for (const s of this.sessions) s.socket.destroy()
    this.sessions.clear()
  }

  async close (): Promise<void> {
    this.dropConnections()
    await new Promise<void>((resolve) => { this.server.close(() => { resolve() }) })
  }

  /** Whole blocks (an array) are written in groups of whole blocks, so replies never land inside one. */
  private async write (data: Buffer | Buffer[], chunkBytes?: number): Promise<void> {
    const targets = [...this.sessions].filter((s) => s.authenticated)
    if (chunkBytes === undefined) {
      // like Asterisk's blocking writes: a reader that stops reading holds the writer (TCP
      // backpressure); nothing piles up here beyond one group
      for (const group of groups(Array.isArray(data) ? data : [data])) {
        for (const s of targets) await writeBlocking(s.socket, group)
      }
      return
    }
    const bytes = Array.isArray(data) ? Buffer.concat(data) : data
    for (let i = 0; i < bytes.length; i += chunkBytes) {
      for (const s of targets) if (!s.socket.destroyed) s.socket.write(bytes.subarray(i, i + chunkBytes))
      await new Promise((resolve) => setImmediate(resolve))
    }
  }

  private accept (socket: net.Socket): void {
    const session: Session = { socket, buffer: '', authenticated: false }
    this.sessions.add(session)
    socket.setEncoding('utf8')
    socket.on('error', () => {})
    socket.on('close', () => { this.sessions.delete(session) })
    socket.write('Asterisk Call Manager/11.0.0\r\n')
    socket.on('data', (data: string) => {
      session.buffer += data
      let end: number
      while ((end = session.buffer.indexOf('\r\n\r\n')) >= 0) {
        const text = session.buffer.slice(0, end)
        session.buffer = session.buffer.slice(end + 4)
        this.handle(session, parseAction(text))
      }
    })
  }

  private reply (session: Session, lines: Array<[string, string]>): void {
    if (session.socket.destroyed) return
    session.socket.write(lines.map(([k, v]) => `${k}: ${v}\r\n`).join('') + '\r\n')
  }

  private handle (session: Session, fields: Record<string, string>): void {
    const action = (fields.action ?? '').toLowerCase()
    const id = fields.actionid ?? ''
    const idLine: Array<[string, string]> = id === '' ? [] : [['ActionID', id]]
    this.received.push({ action, fields: { ...fields, ...(fields.secret === undefined ? {} : { secret: '***' }) } })

    if (action === 'login') {
      if (fields.username === this.username && fields.secret === this.secret) {
        session.authenticated = true
        // Asterisk follows a successful login at once with FullyBooted (same TCP segment here)
        session.socket.write(`Response: Success\r\n${id === '' ? '' : `ActionID: ${id}\r\n`}Message: Authentication accepted\r\n\r\n` +
          'Event: FullyBooted\r\nPrivilege: system,all\r\nUptime: 1\r\nLastReload: 1\r\nStatus: Fully Booted\r\n\r\n')
        this.loginCount++
        const ready = this.loginWaiters.filter((w) => this.loginCount >= w.count)
        this.loginWaiters = this.loginWaiters.filter((w) => this.loginCount < w.count)
        for (const w of ready) w.resolve()
      } else {
        // as recorded in actions/login-failed: a 1 s pause, the error, then Asterisk closes the socket
        setTimeout(() => {
          this.reply(session, [['Response', 'Error'], ...idLine, ['Message', 'Authentication failed']])
          setTimeout(() => { session.socket.destroy() }, 5)
        }, this.loginFailDelayMs)
      }
      return
    }
    if (!session.authenticated) {
      this.reply(session, [['Response', 'Error'], ...idLine, ['Message', 'Permission denied']])
      return
    }
    if (mayWrite(action, this.writeClasses) === false) {
      // main/manager.c: astman_send_error(s, m, "Permission denied"), the same answer as an action
      // sent before Login (recorded in actions/action-before-login); the session stays open
      this.reply(session, [['Response', 'Error'], ...idLine, ['Message', 'Permission denied']])
      return
    }
    switch (action) {
      case 'setvar': {
        const name = fields.variable ?? ''
        if (name === '') {
          this.reply(session, [['Response', 'Error'], ...idLine, ['Message', 'No variable specified']])
          return
        }
        if ((fields.channel ?? '') === '') this.globals.set(name, fields.value ?? '')
        this.reply(session, [['Response', 'Success'], ...idLine, ['Message', 'Variable Set']])
        return
      }
      case 'ping':
        if (this.answerPing) this.reply(session, [['Response', 'Success'], ...idLine, ['Ping', 'Pong'], ['Timestamp', (Date.now() / 1000).toFixed(6)]])
        return
      case 'logoff':
        this.reply(session, [['Response', 'Goodbye'], ...idLine, ['Message', 'Thanks for all the fish.']])
        session.socket.end()
        return
      case 'dbput':
        this.astdb.set(`${fields.family ?? ''}/${fields.key ?? ''}`, fields.val ?? '')
        this.reply(session, [['Response', 'Success'], ...idLine, ['Message', 'Updated database successfully']])
        return
      case 'dbget': {
        const value = this.astdb.get(`${fields.family ?? ''}/${fields.key ?? ''}`)
        if (value === undefined) {
          this.reply(session, [['Response', 'Error'], ...idLine, ['Message', 'Database entry not found']])
          return
        }
        this.reply(session, [['Response', 'Success'], ...idLine, ['EventList', 'start'], ['Message', 'Result will follow']])
        this.reply(session, [['Event', 'DBGetResponse'], ['Family', fields.family ?? ''], ['Key', fields.key ?? ''], ['Val', value], ...idLine])
        this.reply(session, [['Event', 'DBGetComplete'], ...idLine, ['EventList', 'Complete'], ['ListItems', '1']])
        return
      }
      case 'dbdel': {
        const key = `${fields.family ?? ''}/${fields.key ?? ''}`
        if (this.astdb.delete(key)) this.reply(session, [['Response', 'Success'], ...idLine, ['Message', 'Key deleted successfully']])
        else this.reply(session, [['Response', 'Error'], ...idLine, ['Message', 'Database entry could not be deleted']])
        return
      }
      case 'coreshowchannels':
        this.reply(session, [['Response', 'Success'], ...idLine, ['EventList', 'start'], ['Message', 'Channels will follow']])
        for (const c of this.channels) this.reply(session, coreShowChannel(c, idLine))
        this.reply(session, [['Event', 'CoreShowChannelsComplete'], ...idLine, ['EventList', 'Complete'], ['ListItems', String(this.channels.length)]])
        return
      case 'devicestatelist': {
        // res_manager_devicestate.c: a list ack, one DeviceStateChange per cached device with the
        // ActionID and no Privilege line, then DeviceStateListComplete
        this.reply(session, [['Response', 'Success'], ...idLine, ['EventList', 'start'], ['Message', 'Device State Changes will follow']])
        for (const [device, state] of this.deviceStates) this.reply(session, [['Event', 'DeviceStateChange'], ...idLine, ['Device', device], ['State', state]])
        this.reply(session, [['Event', 'DeviceStateListComplete'], ...idLine, ['EventList', 'Complete'], ['ListItems', String(this.deviceStates.size)]])
        return
      }
      case 'status': {
        const only = fields.channel
        const list = only === undefined ? this.channels : this.channels.filter((c) => c.Channel === only)
        if (only !== undefined && list.length === 0) {
          this.reply(session, [['Response', 'Error'], ...idLine, ['Message', 'No such channel']])
          return
        }
        const wanted = (fields.variables ?? '').split(',').map((v) => v.trim()).filter((v) => v !== '')
        this.reply(session, [['Response', 'Success'], ...idLine, ['EventList', 'start'], ['Message', 'Channel status will follow']])
        for (const c of list) this.reply(session, statusEvent(c, wanted, idLine))
        this.reply(session, [['Event', 'StatusComplete'], ...idLine, ['EventList', 'Complete'], ['ListItems', String(list.length)], ['Items', String(list.length)]])
        return
      }
      default:
        this.reply(session, [['Response', 'Error'], ...idLine, ['Message', 'Invalid/unknown command']])
    }
  }
}

function parseAction (text: string): Record<string, string> {
  const fields: Record<string, string> = {}
  for (const line of text.split(/\r?\n/)) {
    const i = line.indexOf(':')
    if (i <= 0) continue
    fields[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim()
  }
  return fields
}

const STATE_NUMBER: Record<LiveChannel['ChannelStateDesc'], string> = { Down: '0', Ring: '4', Ringing: '5', Up: '6' }

function hms (seconds: number): string {
  const p = (n: number): string => String(n).padStart(2, '0')
  return `${p(Math.floor(seconds / 3600))}:${p(Math.floor(seconds / 60) % 60)}:${p(seconds % 60)}`
}

// shapes as recorded in actions/coreshowchannels-live
function coreShowChannel (c: LiveChannel, idLine: Array<[string, string]>): Array<[string, string]> {
  return [
    ['Event', 'CoreShowChannel'], ...idLine, ['Channel', c.Channel], ['ChannelState', STATE_NUMBER[c.ChannelStateDesc]],
    ['ChannelStateDesc', c.ChannelStateDesc], ['CallerIDNum', c.CallerIDNum], ['CallerIDName', c.CallerIDNum],
    ['ConnectedLineNum', c.ConnectedLineNum ?? '<unknown>'], ['ConnectedLineName', c.ConnectedLineNum ?? '<unknown>'],
    ['Language', 'ru'], ['AccountCode', ''], ['Context', c.Context], ['Exten', c.Exten], ['Priority', '1'],
    ['Uniqueid', c.Uniqueid], ['Linkedid', c.Linkedid], ['Application', 'Dial'], ['ApplicationData', ''],
    ['Duration', hms(c.Seconds)], ['BridgeId', c.BridgeId ?? '']
  ]
}

function statusEvent (c: LiveChannel, wanted: string[], idLine: Array<[string, string]>): Array<[string, string]> {
  const vars = wanted.filter((v) => c.variables?.[v] !== undefined).map((v): [string, string] => ['Variable', `${v}=${c.variables![v]!}`])
  return [
    ['Event', 'Status'], ['Privilege', 'Call'], ['Channel', c.Channel], ['ChannelState', STATE_NUMBER[c.ChannelStateDesc]],
    ['ChannelStateDesc', c.ChannelStateDesc], ['CallerIDNum', c.CallerIDNum], ['CallerIDName', c.CallerIDNum],
    ['Context', c.Context], ['Exten', c.Exten], ['Uniqueid', c.Uniqueid], ['Linkedid', c.Linkedid],
    ['BridgeID', c.BridgeId ?? ''], ['Seconds', String(c.Seconds)], ...vars, ...idLine
  ]
}

const WRITE_GROUP = 64 * 1024

/** Consecutive blocks joined up to WRITE_GROUP bytes (a larger block goes alone). */
function * groups (blocks: Buffer[]): Generator<Buffer> {
  let group: Buffer[] = []
  let size = 0
  for (const b of blocks) {
    if (size > 0 && size + b.length > WRITE_GROUP) { yield Buffer.concat(group); group = []; size = 0 }
    group.push(b)
    size += b.length
  }
  if (size > 0) yield Buffer.concat(group)
}

/** Writes and, when the socket's buffer is full, waits until it drains (or the socket is gone). */
async function writeBlocking (socket: net.Socket, bytes: Buffer): Promise<void> {
  if (socket.destroyed) return
  if (socket.write(bytes)) return
  await new Promise<void>((resolve) => {
    const done = (): void => { socket.off('drain', done); socket.off('close', done); resolve() }
    socket.on('drain', done)
    socket.on('close', done)
  })
}

async function sleep (ms: number): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, ms))
}

/**
 * The transcript as a new set of calls: every Uniqueid/Linkedid `<epoch>.<seq>` gets `epoch`
 * (recording file names follow), so a replayed scenario is a new call, not a duplicate.
 */
export function relabel (tr: Transcript, epoch: number): Transcript {
  return {
    name: `${tr.name}@${epoch}`,
    blocks: tr.blocks.map((b) => ({ ...b, bytes: Buffer.from(b.bytes.toString('utf8').replace(/\b1795\d{6}\.(\d+)/g, `${epoch}.$1`), 'utf8') }))
  }
}

const RECORD_TIME = /^(StartTime|AnswerTime|EndTime): (\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)\r$/gm
const RECORD_TIME_FORMAT = 'yyyy-MM-dd HH:mm:ss'

/**
 * The transcript's call records (Cdr) moved to today: their local times, as the PBX writes them in
 * `zone`, shifted so the first record starts at `now`. Replayed by the demo days after it was
 * recorded, a call's record would otherwise say it ended days before it arrived (and be refused).
 */
export function retimeRecords (tr: Transcript, now: Date, zone: string): Transcript {
  const texts = tr.blocks.map((b) => b.bytes.toString('utf8'))
  const first = texts.map((t) => /^StartTime: (\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)\r$/m.exec(t)?.[1]).find((v) => v !== undefined)
  if (first === undefined) return tr
  const shift = now.getTime() - DateTime.fromFormat(first, RECORD_TIME_FORMAT, { zone }).toMillis()
  const moved = (value: string): string => DateTime.fromMillis(DateTime.fromFormat(value, RECORD_TIME_FORMAT, { zone }).toMillis() + shift, { zone }).toFormat(RECORD_TIME_FORMAT)
  return {
    name: tr.name,
    blocks: tr.blocks.map((b, i) => ({ ...b, bytes: Buffer.from(texts[i]!.replace(RECORD_TIME, (_m, name: string, value: string) => `${name}: ${moved(value)}\r`), 'utf8') }))
  }
}

/** The recording files a transcript's dialplan announces (MixMonitor's file name, without its directory). */
export function recordingFiles (tr: Transcript): string[] {
  return tr.blocks.map((b) => /MIXMONITOR_FILENAME\r\nValue: \S*\/([^/\r\n]+)/.exec(b.bytes.toString('utf8'))?.[1]).filter((f) => f !== undefined)
}
