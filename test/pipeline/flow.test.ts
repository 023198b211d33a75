// The pipeline's backpressure without a pipeline: when the events or the follow-ups waiting pass
// their high-water mark every AMI source stops reading, once; it reads again only when both are low.
import t from 'tap'
import { flowControl } from '../../src/telephony/flow.js'

function source (): { pauseEvents: () => void, resumeEvents: () => void, log: string[] } {
  const log: string[] = []
  return { pauseEvents: () => { log.push('pause') }, resumeEvents: () => { log.push('resume') }, log }
}

t.test('events: paused at the high-water mark, read again at the low one', async (t) => {
  const flow = flowControl({ highWater: 4, lowWater: 1, followUpHighWater: 100 })
  const a = source()
  flow.attach(a)
  // [what happens, paused after it, what the source was told so far]
  const steps: Array<[() => void, string, boolean, string[]]> = [
    [flow.eventQueued, 'three events waiting', false, []],
    [flow.eventQueued, '', false, []],
    [flow.eventQueued, '', false, []],
    [flow.eventQueued, 'the fourth reaches the mark', true, ['pause']],
    [flow.eventQueued, 'a fifth (read before the pause took hold): no second pause', true, ['pause']],
    [flow.eventDone, 'four left', true, ['pause']],
    [flow.eventDone, 'three left', true, ['pause']],
    [flow.eventDone, 'two left: still above the low mark', true, ['pause']],
    [flow.eventDone, 'one left: caught up', false, ['pause', 'resume']],
    [flow.eventDone, 'none left', false, ['pause', 'resume']]
  ]
  for (const [act, what, paused, told] of steps) {
    act()
    if (what !== '') {
      t.equal(flow.paused, paused, `${what}: ${paused ? 'paused' : 'reading'}`)
      t.same(a.log, told, `${what}: the source was told ${told.join(', ') || 'nothing'}`)
    }
  }
  t.same(flow.state(), { queued: 0, peak: 5, followUps: 0, followUpsPeak: 0, paused: false, pauses: 1 }, 'the peak and the one pause are counted')
})

t.test('follow-ups pause the reading too, and hold it while the events are low', async (t) => {
  const flow = flowControl({ highWater: 100, lowWater: 25, followUpHighWater: 8 })
  const a = source()
  const b = source()
  flow.attach(a)
  for (let i = 0; i < 8; i++) flow.followUpQueued()
  t.ok(flow.paused, 'eight follow-ups waiting: paused')
  flow.attach(b)
  t.same(b.log, ['pause'], 'a source attached meanwhile (a second PBX link) is paused at once')
  for (let i = 0; i < 5; i++) flow.followUpDone()
  t.ok(flow.paused, 'three follow-ups left, over a quarter of the mark: still paused')
  flow.eventQueued()
  flow.eventDone()
  t.ok(flow.paused, 'an event done meanwhile does not resume the reading while the follow-ups are high')
  flow.followUpDone()
  t.notOk(flow.paused, 'two left (a quarter): reading again')
  t.same([a.log, b.log], [['pause', 'resume'], ['pause', 'resume']], 'both sources were paused once and resumed once')
})

t.test('the pause is reported once, with what was waiting', async (t) => {
  const reported: Array<{ queued: number, followUps: number }> = []
  const flow = flowControl({ highWater: 2, lowWater: 0, followUpHighWater: 10 }, (w) => { reported.push(w) })
  flow.followUpQueued()
  flow.eventQueued()
  flow.eventQueued()
  flow.eventQueued()
  t.same(reported, [{ queued: 2, followUps: 1 }])
})
