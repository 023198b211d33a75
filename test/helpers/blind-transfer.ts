// SYNTHETIC transcript: a blind transfer was not recorded in the lab, so this one is built from
// the real `answered` transcript (its first part, up to the caller's hang-up, byte for byte) and
// hand-written events that copy the header shapes Asterisk 22 produced there (Newchannel, DialBegin,
// DialEnd, BridgeEnter, Hangup, Cdr) plus a BlindTransfer event as documented for Asterisk 22.
// Story: 101 answers, blind-transfers the caller (SIP REFER) to 102; Asterisk hangs up 101's leg
// and runs specialists,102,1 (Dial(PJSIP/102,20)) on the caller's channel; 102 answers after 2 s;
// the caller hangs up 4 s later. Same Linkedid throughout: one helpdesk call.
import { loadTranscript, transcriptOf, type Transcript } from '../../src/ami/simulator.js'

const L = '1795866724.0'
const TRUNK = 'PJSIP/trunk-00000000'
const LEG101 = 'PJSIP/101-00000001'
const LEG102 = 'PJSIP/102-00000003'

const chan = (channel: string, uniqueid: string, state: string, num: string, name: string, context: string, exten: string, connected = '+79123456789'): string =>
  `Channel: ${channel}\nChannelState: ${state === 'Up' ? 6 : state === 'Ringing' ? 5 : 0}\nChannelStateDesc: ${state}\nCallerIDNum: ${num}\nCallerIDName: ${name}\n` +
  `ConnectedLineNum: ${connected}\nConnectedLineName: ${connected}\nLanguage: ru\nAccountCode: \nContext: ${context}\nExten: ${exten}\nPriority: 1\n` +
  `Uniqueid: ${uniqueid}\nLinkedid: ${L}`
const dest = (block: string): string => block.split('\n').map((l) => `Dest${l}`).join('\n')

const trunkUp = chan(TRUNK, L, 'Up', '+79123456789', '+79123456789', 'specialists', '102', '102')
const leg102 = (state: string): string => chan(LEG102, '1795866724.3', state, '102', 'Specialist 102', 'specialists', '102')

export function blindTransferTranscript (): Transcript {
  const answered = loadTranscript('answered')
  const cut = answered.blocks.findIndex((b) => b.head === 'Event: HangupRequest')
  const head = answered.blocks.slice(0, cut)
  const t0 = head[head.length - 1]!.t
  const tail = transcriptOf('blind-transfer-tail', [
    { t: t0 + 100, text: `Event: BlindTransfer\nPrivilege: call,all\nResult: Success\nTransfererChannel: ${LEG101}\nTransfererUniqueid: 1795866724.1\nTransfererLinkedid: ${L}\n` +
      `TransfereeChannel: ${TRUNK}\nTransfereeUniqueid: ${L}\nTransfereeLinkedid: ${L}\nIsExternal: No\nContext: specialists\nExtension: 102` },
    { t: t0 + 101, text: `Event: Hangup\nPrivilege: call,all\n${chan(LEG101, '1795866724.1', 'Up', '101', 'Specialist 101', 'specialists', '')}\nCause: 16\nCause-txt: Normal Clearing` },
    { t: t0 + 102, text: `Event: Newchannel\nPrivilege: call,all\n${leg102('Down')}` },
    { t: t0 + 103, text: `Event: DialBegin\nPrivilege: call,all\n${trunkUp}\n${dest(leg102('Down'))}\nDialString: PJSIP/102` },
    { t: t0 + 2103, text: `Event: DialEnd\nPrivilege: call,all\n${trunkUp}\n${dest(leg102('Up'))}\nDialStatus: ANSWER` },
    { t: t0 + 2104, text: `Event: BridgeEnter\nPrivilege: call,all\nBridgeUniqueid: 0c5d7a35-8f2e-4d8b-9a57-3f2d1c0e9b11\nBridgeType: basic\n${leg102('Up')}` },
    { t: t0 + 6104, text: `Event: HangupRequest\nPrivilege: call,all\n${trunkUp}\nCause: 16` },
    { t: t0 + 6105, text: `Event: Hangup\nPrivilege: call,all\n${leg102('Up')}\nCause: 16\nCause-txt: Normal Clearing` },
    { t: t0 + 6106, text: `Event: Hangup\nPrivilege: call,all\n${trunkUp}\nCause: 16\nCause-txt: Normal Clearing` },
    { t: t0 + 6107, text: `Event: Cdr\nPrivilege: cdr,all\nAccountCode: \nSource: +79123456789\nDestination: 102\nDestinationContext: specialists\nCallerID: "+79123456789" <+79123456789>\n` +
      `Channel: ${TRUNK}\nDestinationChannel: ${LEG102}\nLastApplication: Dial\nLastData: PJSIP/102,20\nStartTime: 2026-11-28 11:52:06\nAnswerTime: 2026-11-28 11:52:08\n` +
      `EndTime: 2026-11-28 11:52:12\nDuration: 6\nBillableSeconds: 4\nDisposition: ANSWERED\nAMAFlags: DOCUMENTATION\nUniqueID: ${L}\nUserField: ` }
  ])
  return { name: 'blind-transfer (synthetic)', blocks: [...head, ...tail.blocks] }
}
