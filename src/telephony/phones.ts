// The phones' registration kept as history while the PBX is connected: every device state event
// of a phone and, after each (re)connect, the PBX's full list (what changed while we were not
// listening is taken at the reconnect's instant: approximate, never invented). Writes happen
// only when a phone's registration changes (a phone ringing and idle again writes nothing), one
// at a time in arrival order. A write the database refused is logged; the open stretches are
// then read again from the database before the next one, so memory never drifts from storage.
import type { AmiClient, AmiLogger } from '../ami/client.js'
import { listPhoneStates, phoneStateOf } from '../ami/phones.js'
import { applyPhoneChanges, phoneChanges, snapshotChanges, type PhoneChange } from '../calls/phones.js'
import type { OpenPhones, PhonesRepository } from '../db/phones.repository.js'
import { serialQueue } from '../util/serial-queue.js'

export interface PhoneRecorder {
  /** Resolves when everything received so far is stored. */
  idle: () => Promise<void>
}

export function recordPhones (ami: Pick<AmiClient, 'on' | 'action'>, deps: { phones: PhonesRepository, clock: () => Date, log: AmiLogger }): PhoneRecorder {
  const queue = serialQueue()
  let open: OpenPhones | undefined
  const store = async (compute: (o: OpenPhones) => PhoneChange[]): Promise<void> => {
    try {
      open ??= await deps.phones.open()
      const changes = compute(open)
      await deps.phones.apply(changes)
      applyPhoneChanges(open, changes)
    } catch (err) {
      open = undefined
      deps.log.warn({ err }, 'phones: a registration change could not be stored')
    }
  }
  ami.on('event', (msg) => {
    const state = phoneStateOf(msg, deps.clock())
    if (state !== undefined) void queue.run(async () => { await store((o) => phoneChanges(o, state)) })
  })
  ami.on('connected', () => {
    void queue.run(async () => {
      const at = deps.clock()
      let states
      try {
        states = await listPhoneStates(ami, at)
      } catch (err) {
        deps.log.warn({ err }, 'phones: the PBX\'s device states could not be read; the registration history goes on from the events')
        return
      }
      open = undefined // another instance may have led meanwhile
      await store((o) => snapshotChanges(o, states, at))
    })
  })
  return { idle: async () => { await queue.idle() } }
}
