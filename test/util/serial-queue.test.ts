import t from 'tap'
import { keyedQueue, rerunner, serialQueue } from '../../src/util/serial-queue.js'

t.test('serialQueue: tasks run one at a time in order; a failure does not stop the next', async (t) => {
  const q = serialQueue()
  const log: string[] = []
  const slow = q.run(async () => { log.push('a start'); await new Promise((resolve) => setTimeout(resolve, 30)); log.push('a end'); return 1 })
  const failing = q.run(() => { log.push('b'); throw new Error('b failed') })
  const last = q.run(async () => { log.push('c'); return 3 })
  t.equal(await slow, 1, 'a task resolves with its result')
  await t.rejects(failing, /b failed/, 'a failing task rejects with its error')
  t.equal(await last, 3, 'the task after a failure still runs')
  t.same(log, ['a start', 'a end', 'b', 'c'], 'in order, never overlapping')
  let done = false
  void q.run(async () => { await new Promise((resolve) => setTimeout(resolve, 20)); done = true })
  await q.idle()
  t.ok(done, 'idle waits for what was queued')
})

t.test('keyedQueue: one key in order, keys side by side up to the limit, null exclusive', async (t) => {
  const q = keyedQueue(2)
  const log: string[] = []
  let inFlight = 0
  let most = 0
  const task = (name: string, ms: number) => async (): Promise<string> => {
    inFlight++
    most = Math.max(most, inFlight)
    log.push(`${name} start`)
    await new Promise((resolve) => setTimeout(resolve, ms))
    log.push(`${name} end`)
    inFlight--
    return name
  }
  const a1 = q.run('a', task('a1', 30))
  const a2 = q.run('a', task('a2', 1))
  const b1 = q.run('b', task('b1', 5))
  const c1 = q.run('c', task('c1', 5))
  const failing = q.run('b', () => { throw new Error('b2 failed') })
  const x = q.run(null, task('x', 5))
  const a3 = q.run('a', task('a3', 1))
  t.same(await Promise.all([a1, a2, b1, c1]), ['a1', 'a2', 'b1', 'c1'], 'each task resolves with its result')
  await t.rejects(failing, /b2 failed/, 'a failing task rejects with its error')
  t.equal(await x, 'x')
  t.equal(await a3, 'a3')
  t.ok(log.indexOf('a1 end') < log.indexOf('a2 start'), 'one key: in order, never overlapping')
  t.ok(log.indexOf('b1 start') < log.indexOf('a1 end'), 'another key does not wait for it')
  t.equal(most, 2, 'never more than the limit at once')
  t.ok(log.indexOf('x start') > Math.max(log.indexOf('a2 end'), log.indexOf('b1 end'), log.indexOf('c1 end')), 'the exclusive task waits for all before it')
  t.ok(log.indexOf('a3 start') > log.indexOf('x end'), 'and the tasks after it wait for it')
  let done = false
  void q.run('d', async () => { await new Promise((resolve) => setTimeout(resolve, 20)); done = true })
  await q.idle()
  t.ok(done, 'idle waits for what was queued')
})

t.test('rerunner: kicks during a run fold into one more run; never two at once; a failed run ends the repeats', async (t) => {
  let runs = 0
  let live = 0
  let most = 0
  let release!: () => void
  let gate = new Promise<void>((resolve) => { release = resolve })
  const r = rerunner(async () => {
    runs++
    live++
    most = Math.max(most, live)
    await gate
    live--
  })
  r.kick()
  r.kick()
  r.kick()
  r.kick()
  await new Promise((resolve) => setImmediate(resolve))
  t.equal(runs, 1, 'one run while the kicks come')
  const first = release
  gate = Promise.resolve()
  first()
  await r.idle()
  t.equal(runs, 2, 'three kicks during it: one run more, not three')
  t.equal(most, 1, 'never two at once')

  let tries = 0
  const failing = rerunner(async () => { tries++; if (tries === 1) failing.kick(); throw new Error('no') })
  failing.kick()
  await failing.idle()
  t.equal(tries, 1, 'a run that throws is not repeated by the kick made during it')
  failing.kick()
  await failing.idle()
  t.equal(tries, 2, 'the next kick runs it again')

  let stopped = 0
  let on = true
  const inactive = rerunner(async () => { stopped++; on = false; inactive.kick() }, () => on)
  inactive.kick()
  await inactive.idle()
  t.equal(stopped, 1, 'no repeat once inactive')
})
