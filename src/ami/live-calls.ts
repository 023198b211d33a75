// After a (re)connect, and now and then, the call tracking asks the PBX which calls are up: AMI
// gives no replay of the events missed meanwhile. The Asterisk side of that question lives here.
import type { CallEvent } from '../calls/call.js'
import type { AmiClient, AmiLogger } from './client.js'
import type { AmiMessage } from './message.js'
import { aliveCalls, statusVariables, DECISION_VARIABLE, RECORDING_VARIABLE } from './normalize.js'

export type AliveEvent = Extract<CallEvent, { type: 'alive' }>

export interface LiveCallsOptions {
  /** Whether the dialplan variables (decision, recording) of this call are still to be read. */
  needsVariables: (linkedId: string) => boolean
  log: AmiLogger
}

/**
 * The calls up on the PBX at `at`, one 'alive' event each (CoreShowChannels, plus a Status per call
 * for its dialplan variables); undefined when the channel list could not be read.
 */
export async function liveCalls (ami: Pick<AmiClient, 'action'>, at: Date, opts: LiveCallsOptions): Promise<AliveEvent[] | undefined> {
  let items: AmiMessage[]
  try {
    items = (await ami.action({ Action: 'CoreShowChannels' })).items
  } catch (err) {
    opts.log.warn({ err }, 'reconcile: CoreShowChannels failed; calls in progress are left as they are')
    return undefined
  }
  const variables = new Map<string, Record<string, string>>()
  // a call's first (inbound) channel carries its dialplan variables; its Uniqueid is the Linkedid
  const firstChannels = items.filter((i) => i.headers.uniqueid !== undefined && i.headers.uniqueid === i.headers.linkedid)
  for (const item of firstChannels) {
    const linkedId = item.headers.linkedid!
    if (!opts.needsVariables(linkedId)) continue
    try {
      const st = await ami.action({ Action: 'Status', Channel: item.headers.channel ?? '', Variables: `${DECISION_VARIABLE},${RECORDING_VARIABLE}` })
      const status = st.items.find((s) => s.name === 'Status')
      if (status !== undefined) variables.set(linkedId, statusVariables(status))
    } catch (err) {
      opts.log.debug({ err, linkedId }, 'reconcile: Status failed (the channel may have just hung up)')
    }
  }
  return aliveCalls(items, at, variables)
}
