// Every recorded scenario over TCP through the real client and pipeline into the real database:
// call rows, drafts, assignment, notifications; a replay or the reconnect transcript adds nothing twice.
import t, { type Test } from 'tap'
import { MISSED_DRAFT_REASON } from '../../src/telephony/pipeline.js'
import { allDelivered, simulator, waitFor } from '../helpers/ami.js'
import { stack, type StoredDraft } from '../helpers/pipeline.js'
import { blindTransferTranscript } from '../helpers/blind-transfer.js'
import type { CallLogItem } from '../../src/db/calls.repository.js'

interface Row { linkedId: string, caller: string, outcome: string, reason: string | null, answeredBy: string | null, draft: boolean }

const SCENARIOS: Array<[string, Row[]]> = [
  ['answered', [{ linkedId: '1795866724.0', caller: '+79123456789', outcome: 'answered', reason: null, answeredBy: '101', draft: true }]],
  ['abandoned-ringing', [{ linkedId: '1795866740.6', caller: '+79123456789', outcome: 'abandoned', reason: null, answeredBy: null, draft: true }]],
  ['busy', [{ linkedId: '1795866781.12', caller: '+79123456789', outcome: 'busy', reason: null, answeredBy: null, draft: true }]],
  ['out-of-hours', [{ linkedId: '1795866784.15', caller: '+79123456789', outcome: 'rejected', reason: 'weekend', answeredBy: null, draft: false }]],
  ['two-concurrent-calls', [
    { linkedId: '1795866796.17', caller: '+79123456789', outcome: 'answered', reason: null, answeredBy: '101', draft: true },
    { linkedId: '1795866796.20', caller: '+79220001122', outcome: 'answered', reason: null, answeredBy: '102', draft: true }
  ]],
  ['queue', [{ linkedId: '1795866805.23', caller: '+79123456789', outcome: 'answered', reason: null, answeredBy: '101', draft: true }]],
  ['ami-reconnect', [{ linkedId: '1795866830.30', caller: '+79123456789', outcome: 'answered', reason: null, answeredBy: '101', draft: true }]]
]

function checkRows (t: Test, name: string, all: CallLogItem[], drafts: StoredDraft[], expected: Row[], userIds: Record<string, number>): void {
  const items = all.filter((i) => expected.some((e) => e.linkedId === i.linkedId))
  t.equal(items.length, expected.length, `${name}: ${expected.length} call row(s)`)
  for (const e of expected) {
    const row = items.find((i) => i.linkedId === e.linkedId)
    t.ok(row, `${name}: row for ${e.linkedId}`)
    if (row === undefined) continue
    t.equal(row.callerNumber, e.caller, `${name}: caller`)
    t.equal(row.outcome, e.outcome, `${name}: outcome`)
    t.equal(row.rejectReason, e.reason, `${name}: reject reason`)
    t.equal(row.answeredBy?.extension ?? null, e.answeredBy, `${name}: answered by extension`)
    t.equal(row.answeredBy?.userId ?? null, e.answeredBy === null ? null : userIds[e.answeredBy], `${name}: answered by the user with that extension`)
    t.ok(row.endedAt !== null, `${name}: ended`)
    t.equal(row.hasRecording, e.answeredBy !== null, `${name}: recording linked iff answered`)
    const draft = drafts.filter((d) => d.linkedId === e.linkedId)
    t.equal(draft.length, e.draft ? 1 : 0, `${name}: ${e.draft ? 'one draft' : 'no draft'}`)
    t.equal(row.entryId, draft[0]?.entryId ?? null, `${name}: the call row links its draft`)
    if (draft[0] !== undefined) {
      t.equal(draft[0].callerNumber, e.caller.replace(/^\+/, ''), `${name}: draft keeps the caller's number (normalized)`)
      t.equal(draft[0].contactText, null, `${name}: the number is the phone field's, not «ФИО, контактная информация»`)
      t.equal(draft[0].annulReason ?? null, e.outcome === 'answered' ? null : MISSED_DRAFT_REASON, `${name}: ${e.outcome === 'answered' ? 'an answered call keeps its draft' : 'a missed call\'s untouched draft is dismissed with the reason (the call is on the callback list)'}`)
      t.equal(draft[0].channel, 'phone', `${name}: draft channel is phone`)
      t.equal(draft[0].assignedTo, e.answeredBy === null ? null : userIds[e.answeredBy], `${name}: draft assigned to who answered`)
    }
  }
}

// one database for all scenarios (their Linkedids differ); a fresh PBX and service per scenario
const s = await stack(t)

for (const [name, expected] of SCENARIOS) {
  t.test(`pipeline: ${name} into the database; replayed twice, nothing doubles`, async (t) => {
    const sim = await simulator(t)
    const before = await s.calls.count()
    const svc = s.service(sim.url())
    await sim.waitForLogin()
    await sim.play(name)
    await waitFor('rows ended', () => svc.pipeline.tracked().size >= expected.length && [...svc.pipeline.tracked().values()].every((c) => c.state === 'ended'), 10_000)
    await svc.pipeline.idle()
    const userIds = { 101: s.users.s101.id, 102: s.users.s102.id }
    checkRows(t, name, await s.calls.list(), await s.listDrafts(), expected, userIds)
    const types = svc.published.map((m) => `${m.type} ${m.call.linkedId}`)
    for (const e of expected) {
      t.equal(types.filter((x) => x === `call.ended ${e.linkedId}`).length, 1, `${name}: call.ended published once`)
      t.equal(types.filter((x) => x === `call.ringing ${e.linkedId}`).length, e.outcome === 'rejected' ? 0 : 1, `${name}: call.ringing published ${e.outcome === 'rejected' ? 'never' : 'once'}`)
    }
    const ringing = svc.published.find((m) => m.type === 'call.ringing')
    if (ringing !== undefined) t.ok(ringing.entry?.id, `${name}: the ringing message carries the draft`)
    for (const e of expected) {
      const rang = e.outcome !== 'rejected'
      t.equal(svc.rung.filter((x) => x === e.linkedId).length, rang ? 1 : 0, `${name}: the ring went ahead ${rang ? 'once' : 'never (rejected: the phones never rang)'}`)
      if (rang) t.ok(svc.sequence.indexOf(`ring ${e.linkedId}`) < svc.sequence.indexOf(`call.ringing ${e.linkedId}`), `${name}: the ring before its call.ringing`)
    }
    t.same(svc.withdrawn, [], `${name}: no ring taken back`)
    t.equal(svc.pipeline.backlog().readAhead, 0, `${name}: the read-ahead keeps no call once it ended (its late events do not bring it back)`)

    await sim.play(name)
    await allDelivered(sim, svc.client)
    await svc.pipeline.idle()
    t.equal(await s.calls.count(), before + expected.length, `${name}: replayed, still ${expected.length} row(s)`)
    checkRows(t, `${name} (replayed)`, await s.calls.list(), await s.listDrafts(), expected, userIds)
    t.equal(svc.published.length, types.length, `${name}: replayed, nothing published again`)
    // the replay rings no popup that stays: a ring sent again is taken back once the queue sees the call was over
    for (const e of expected) {
      const rings = svc.rung.filter((x) => x === e.linkedId).length
      const takenBack = svc.withdrawn.filter((x) => x === e.linkedId).length
      t.equal(rings - takenBack, e.outcome === 'rejected' ? 0 : 1, `${name}: replayed, one ring stands (${rings} sent, ${takenBack} taken back)`)
    }
    t.equal(svc.pipeline.backlog().readAhead, 0, `${name}: replayed, the read-ahead is empty again`)
  })
}

t.test('pipeline: a blind transfer (synthetic transcript) is one call, one draft', async (t) => {
  const sim = await simulator(t)
  const s = await stack(t) // its own database: it reuses the Linkedid of `answered`
  const svc = s.service(sim.url())
  await sim.play(blindTransferTranscript())
  await waitFor('ended', () => svc.pipeline.tracked().get('1795866724.0')?.state === 'ended')
  await svc.pipeline.idle()
  const [row] = await s.calls.list()
  t.equal(row?.outcome, 'answered', 'answered')
  t.equal(row?.answeredBy?.extension, '101', 'answered by 101')
  t.equal(row?.transferredTo, '102', 'transferred to 102')
  const drafts = await s.listDrafts()
  t.equal(drafts.length, 1, 'one draft')
  t.equal(drafts[0]?.assignedTo, s.users.s102.id, 'the draft follows the call to the specialist it was transferred to')
  t.same(svc.published.filter((m) => m.type === 'call.answered').map((m) => m.call.transferredTo ?? m.call.answeredBy), ['101', '102'], 'answered by 101, then by 102: the popup moves')
})

