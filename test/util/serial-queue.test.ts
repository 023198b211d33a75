import t from 'tap'
import { serialQueue } from '../../src/util/serial-queue.js'

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
