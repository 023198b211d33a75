// /health on any instance tells the AMI link of the elected one.
import t from 'tap'
import { sharedAmiStatus, type AmiLinkStatus } from '../src/cluster/ami-status.js'
import { clusterRepository } from '../src/db/cluster.repository.js'
import { backends, testDb } from './helpers/db.js'

for (const backend of backends()) {
  t.test(`sharedAmiStatus (${backend}): a standby reports the leader's link, and disconnected once the leader is gone`, async (t) => {
    const db = await testDb(t, backend)
    const cluster = clusterRepository(db)
    const clock = { now: new Date('2026-12-01T05:00:00Z') }
    let link: AmiLinkStatus = 'connected'
    const leader = sharedAmiStatus({ cluster, isLeader: () => true, own: () => link, clock: () => clock.now, everyMs: 60_000 })
    const standby = sharedAmiStatus({ cluster, isLeader: () => false, own: () => 'disconnected', clock: () => clock.now, everyMs: 60_000, staleMs: 30_000 })
    t.teardown(() => { leader.close(); standby.close() })

    t.equal(standby.status(), 'disconnected', 'nothing recorded yet: disconnected')
    await leader.refresh()
    await standby.refresh()
    t.equal(leader.status(), 'connected', 'the leader reports its own link')
    t.equal(standby.status(), 'connected', 'the standby reports the leader\'s link')

    link = 'disconnected'
    clock.now = new Date(clock.now.getTime() + 10_000)
    await leader.refresh()
    await standby.refresh()
    t.equal(standby.status(), 'disconnected', 'the PBX link dropped on the leader: the standby says so')

    link = 'connected'
    await leader.refresh()
    clock.now = new Date(clock.now.getTime() + 31_000)
    await standby.refresh()
    t.equal(standby.status(), 'disconnected', 'a record older than the staleness limit: the leader is gone')
  })
}
