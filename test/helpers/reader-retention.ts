// Run with --expose-gc (test/ami/reader.test.ts): 500 chunks of 64 KiB, one event each, and one
// header value kept from every event; prints how much the heap kept, in bytes, after a collection.
import { AmiBlockReader } from '../../src/ami/reader.js'

const gc = (globalThis as { gc?: () => void }).gc
if (gc === undefined) throw new Error('run with --expose-gc')
const kept: string[] = []
const reader = new AmiBlockReader((raw) => { if (typeof raw.linkedid === 'string') kept.push(raw.linkedid) })
const padding = `Event: RTCPSent\r\nPrivilege: reporting,all\r\nReport: ${'x'.repeat(65_000)}\r\n\r\n`
gc()
const before = process.memoryUsage().heapUsed
for (let i = 0; i < 500; i++) {
  // the event and a large one after it in the same chunk, as a busy PBX sends them
  reader.push(`Event: Newchannel\r\nChannel: PJSIP/trunk-${i}\r\nUniqueid: 1795866724.${i}\r\nLinkedid: 1795866724.${i}\r\n\r\n${padding}`)
}
gc()
console.log(JSON.stringify({ kept: kept.length, heapBytes: process.memoryUsage().heapUsed - before }))
