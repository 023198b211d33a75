// The phone channel as a feature: its AMI client, the PBX state writer (the PBX follows the
// service's schedule), the call tracking with its event queue and calls in memory, and a periodic
// reconcile. service.ts builds it; start() connects (on the elected instance only).
import { AmiClient, type AmiClientOptions, type AmiEndpoint, type AmiLogger } from '../ami/client.js'
import { startPbxStateWriter } from '../ami/pbx-state.js'
import type { CallsRepository } from '../db/calls.repository.js'
import type { JournalService } from '../services/journal.service.js'
import type { UsersRepository } from '../db/users.repository.js'
import type { CalendarService } from '../services/calendar.service.js'
import type { Intake } from '../intake/intake.js'
import { createPipeline, type CallMessage, type Pipeline, type PipelineDeps } from './pipeline.js'
import type { PhonesRepository } from '../db/phones.repository.js'
import { recordPhones, type PhoneRecorder } from './phones.js'

export interface TelephonyDeps {
  endpoint: AmiEndpoint | undefined
  helpdeskDid: string
  calls: CallsRepository
  users: Pick<UsersRepository, 'byExtension'>
  journal: Pick<JournalService, 'assign' | 'annul' | 'byId'>
  intake: Intake
  calendar: Pick<CalendarService, 'current' | 'onChange'>
  /** where call.ringing / call.answered / call.ended go (the push hub's publishCall) */
  publishCall?: (message: CallMessage) => Promise<unknown>
  /** the ring the moment it is read, and its withdrawal (the push hub's ring / withdraw) */
  ring?: PipelineDeps['ring']
  withdraw?: PipelineDeps['withdraw']
  clock: () => Date
  log: AmiLogger
  client?: Partial<AmiClientOptions>
  /** the PBX's durable call records (pbx_cdr), compared with the call log after every (re)connect */
  pbxRecords?: PipelineDeps['pbxRecords']
  /** PBX_TIME_ZONE and TIME_ZONE: how the PBX's local Cdr times are read */
  pbxTimeZone?: string
  centerTimeZone?: string
  /** the phones' registration history (phone_interval); unset: not kept */
  phones?: PhonesRepository
  /** compare with the PBX's channel list this often even without a reconnect (a missed Hangup); default 15 min */
  reconcileEveryMs?: number
  /** calls worked on side by side (the pipeline's lanes): a few on PostgreSQL's pool, 1 on PGlite */
  lanes?: number
}

export interface Telephony {
  /** for /health: 'disabled' without AMI_URL */
  status: () => 'disabled' | 'connected' | 'disconnected'
  client: AmiClient | undefined
  pipeline: Pipeline | undefined
  /** the phones' registration history, when kept */
  phones: PhoneRecorder | undefined
  /** Connects to the PBX (on the elected instance: when it becomes the leader). */
  start: () => void
  /** Disconnects from the PBX (the leader stepped down); start() connects again. */
  stop: () => Promise<void>
  /** Disconnects for good and waits for the work queued so far. */
  close: () => Promise<void>
}

export function createTelephony (deps: TelephonyDeps): Telephony {
  if (deps.endpoint === undefined) {
    return {
      status: () => 'disabled',
      client: undefined,
      pipeline: undefined,
      phones: undefined,
      start: () => { deps.log.info({}, 'AMI_URL is not set: no PBX connection (the call log stays empty)') },
      stop: async () => {},
      close: async () => {}
    }
  }
  const client = new AmiClient({ endpoint: deps.endpoint, log: deps.log, clock: deps.clock, ...deps.client })
  const pipeline = createPipeline({
    calls: deps.calls,
    users: deps.users,
    intake: deps.intake,
    journal: deps.journal,
    helpdeskDid: deps.helpdeskDid,
    clock: deps.clock,
    log: deps.log,
    pbxRecords: deps.pbxRecords,
    pbxTimeZone: deps.pbxTimeZone,
    centerTimeZone: deps.centerTimeZone,
    lanes: deps.lanes,
    ring: deps.ring,
    withdraw: deps.withdraw,
    publish: deps.publishCall === undefined
      ? undefined
      : (m) => { deps.publishCall!(m).catch((err: unknown) => { deps.log.error({ err, type: m.type, linkedId: m.call.linkedId }, 'publishing a call failed') }) }
  })
  pipeline.attach(client)
  const phones = deps.phones === undefined ? undefined : recordPhones(client, { phones: deps.phones, clock: deps.clock, log: deps.log })
  const writer = startPbxStateWriter({ ami: client, calendar: deps.calendar, clock: deps.clock, log: deps.log })
  const periodic = setInterval(() => { if (client.status.state === 'connected') void pipeline.reconcile(client) }, deps.reconcileEveryMs ?? 15 * 60_000)
  periodic.unref()
  let running = false
  const stop = async (): Promise<void> => { running = false; await client.stop() }
  return {
    status: () => running && client.status.state === 'connected' ? 'connected' : 'disconnected',
    client,
    pipeline,
    phones,
    start: () => { running = true; client.start() },
    stop,
    close: async () => {
      clearInterval(periodic)
      writer.stop()
      await stop()
      await pipeline.close()
      await phones?.idle()
    }
  }
}
