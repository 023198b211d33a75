// Every screen as the head, the journal's side (screens-head-admin.test.ts: the users, the calendar, the schedule, the directory, the password): no Latin words, no WCAG 2 A/AA violation (axe-core), nothing cut, at
// 1366×768 and 1024×768, error states included (test/helpers/screens.ts has the checks and the screens).
import t from 'tap'
import { CHROMIUM, NO_CHROMIUM, launchBrowser, startServer } from '../helpers/browser.js'
import { ADMIN_SCREENS, seed, walk } from '../helpers/screens.js'

if (CHROMIUM === undefined) {
  console.log(`# ${NO_CHROMIUM}`)
  t.plan(0, NO_CHROMIUM)
} else {
  t.test('the journal, the entry, the popup, the calls and the reports as the head', async (t) => {
    const server = await startServer(t)
    const browser = await launchBrowser(t)
    await walk(t, browser, server, await seed(server), 'head', 'petrov', (name) => !ADMIN_SCREENS.has(name))
  })
}
