// The PBX's records in our terms: the userfield the dialplan writes, the PBX's local Cdr times read in
// its own zone (never a demand that the host clock be UTC), cdr_pgsql's rows, and the real Cdr events
// of fixtures/ami-dialplan through the real client.
import t from 'tap'
import path from 'node:path'
import { pbxLocalTime, readUserfield, recordsFromRows } from '../../src/ami/pbx-record.js'
import { decisionOf, normalize } from '../../src/ami/normalize.js'
import { loadTranscript } from '../../src/ami/simulator.js'
import { simulator, client, waitFor } from '../helpers/ami.js'
import { DIALPLAN_FIXTURES, cdrRows } from '../helpers/pbx-records.js'

t.test('readUserfield: the decision and the PBX\'s UTC offset the dialplan writes', async (t) => {
  t.same(readUserfield('status=closed tz=+0500'), { status: 'closed', offsetMinutes: 300 }, 'Tyumen')
  t.same(readUserfield('status=open tz=+0100'), { status: 'open', offsetMinutes: 60 }, 'Berlin in winter')
  t.same(readUserfield('status=lunch tz=-0330'), { status: 'lunch', offsetMinutes: -210 }, 'a negative half-hour offset')
  t.same(readUserfield(''), { status: null, offsetMinutes: null }, 'an old dialplan writes nothing')
  t.same(readUserfield('tz=+9900 status=x'), { status: 'x', offsetMinutes: null }, 'an offset that cannot be is ignored')
})

t.test('pbxLocalTime: Cdr times in the PBX\'s zone, over real dates', async (t) => {
  const cases: Array<[string, string, { zone?: string, offsetMinutes?: number | null }, string]> = [
    // Tyumen: UTC+5 all year (no DST)
    ['Yekaterinburg winter', '2026-12-01 14:00:00', { zone: 'Asia/Yekaterinburg' }, '2026-12-01T09:00:00.000Z'],
    ['Yekaterinburg summer', '2026-07-01 14:00:00', { zone: 'Asia/Yekaterinburg' }, '2026-07-01T09:00:00.000Z'],
    ['Yekaterinburg by the record\'s offset', '2026-07-01 14:00:00', { offsetMinutes: 300 }, '2026-07-01T09:00:00.000Z'],
    // Berlin: CET/CEST, DST from 2026-03-29 02:00 to 2026-10-25 03:00
    ['Berlin winter', '2026-12-01 14:00:00', { zone: 'Europe/Berlin' }, '2026-12-01T13:00:00.000Z'],
    ['Berlin summer', '2026-07-01 14:00:00', { zone: 'Europe/Berlin' }, '2026-07-01T12:00:00.000Z'],
    ['Berlin, the day DST starts, after it', '2026-03-29 10:00:00', { zone: 'Europe/Berlin' }, '2026-03-29T08:00:00.000Z'],
    ['Berlin, the day DST ends, after it', '2026-10-25 10:00:00', { zone: 'Europe/Berlin' }, '2026-10-25T09:00:00.000Z'],
    // 02:30 on 2026-10-25 happens twice in Berlin: the record's own offset tells which
    ['Berlin 02:30 first time (CEST)', '2026-10-25 02:30:00', { offsetMinutes: 120 }, '2026-10-25T00:30:00.000Z'],
    ['Berlin 02:30 second time (CET)', '2026-10-25 02:30:00', { offsetMinutes: 60 }, '2026-10-25T01:30:00.000Z'],
    ['a PBX on UTC (the lab)', '2026-12-01 20:34:40', { zone: 'UTC' }, '2026-12-01T20:34:40.000Z']
  ]
  for (const [name, local, zone, utc] of cases) {
    t.equal(pbxLocalTime(local, { ...zone, fallback: 'Asia/Yekaterinburg' })?.toISOString(), utc, name)
  }
  t.equal(pbxLocalTime('2026-12-01 14:00:00', { fallback: 'Asia/Yekaterinburg' })?.toISOString(), '2026-12-01T09:00:00.000Z', 'nothing said: the center\'s zone')
  t.equal(pbxLocalTime('2026-12-01 14:00:00', { zone: 'Europe/Berlin', offsetMinutes: 300, fallback: 'UTC' })?.toISOString(), '2026-12-01T13:00:00.000Z', 'PBX_TIME_ZONE wins over the record')
  t.equal(pbxLocalTime('', { fallback: 'UTC' }), null, 'empty (no answer): null')
})

t.test('normalize: the real Cdr events of a call found in progress, read in the PBX\'s zone', async (t) => {
  const sim = await simulator(t)
  const c = client(t, sim.url())
  const cdrs: Array<ReturnType<typeof normalize>> = []
  c.on('event', (m) => { if (m.name === 'Cdr') cdrs.push(normalize(m, new Date('2026-12-01T20:35:21Z'), { pbxTimeZone: 'UTC' })) })
  c.start()
  await sim.play(loadTranscript('service-started-mid-call', path.join(DIALPLAN_FIXTURES, 'service-started-mid-call')))
  await waitFor('two Cdr events', () => cdrs.length === 2)
  t.match(cdrs[0], { type: 'cdr', linkedId: '1796157278.41', extension: '101', disposition: 'answered', decision: null }, 'the answered leg (101)')
  t.equal(cdrs[0]?.type === 'cdr' && cdrs[0].answeredAt?.toISOString(), '2026-12-01T20:34:40.000Z', 'AnswerTime 2 s after arrival')
  t.match(cdrs[1], { type: 'cdr', extension: '102', disposition: 'no-answer', answeredAt: null }, 'the 102 leg, not answered')
})

t.test('recordsFromRows: cdr_pgsql\'s rows (epoch seconds, userfield) → records', async (t) => {
  const rows = cdrRows('fallback-service-down', 'status=closed tz=+0000')
  t.equal(rows.length, 1, 'one row per recorded Cdr')
  const { records, unreadable } = recordsFromRows([...rows, { ...rows[0]!, disposition: 'WHATEVER' }], decisionOf)
  t.equal(unreadable, 1, 'an unknown disposition is left out and counted')
  t.same(records.map((r) => [r.linkedId, r.callerNumber, r.dialled, r.startedAt.toISOString(), r.endedAt.toISOString(), r.extension, r.disposition, r.decision]),
    [['1796157181.37', '+79123456789', '73452290256', '2026-12-01T20:33:01.000Z', '2026-12-01T20:33:18.000Z', null, 'answered', 'closed']], 'the fallback call as recorded')
  const [noAnswer] = recordsFromRows([{ ...rows[0]!, answer: 0, disposition: 'NO ANSWER', dstchannel: 'PJSIP/102-0000002b' }], decisionOf).records
  t.same([noAnswer?.answeredAt, noAnswer?.extension, noAnswer?.disposition], [null, '102', 'no-answer'], 'answer 0 = not answered; the phone from the channel')
})
