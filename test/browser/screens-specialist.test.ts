// Every screen as a specialist (the journal, the entry, the popup, the directory): no Latin words, no WCAG 2 A/AA violation (axe-core), nothing cut, at
// 1366×768 and 1024×768, error states included (test/helpers/screens.ts has the checks and the screens).
import t from 'tap'
import { CHROMIUM, NO_CHROMIUM, launchBrowser, startServer } from '../helpers/browser.js'
import { seed, walk } from '../helpers/screens.js'

if (CHROMIUM === undefined) {
  console.log(`# ${NO_CHROMIUM}`)
  t.plan(0, NO_CHROMIUM)
} else {
  t.test('every screen as the specialist', async (t) => {
    const server = await startServer(t)
    const browser = await launchBrowser(t)
    await walk(t, browser, server, await seed(server), 'specialist', 'ivanova')
  })
}
