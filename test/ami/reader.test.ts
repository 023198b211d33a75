// Our block reader against asterisk-manager's own, block for block: every recorded transcript (the
// PBX's real bytes, cut into chunks at random places, CR LF split included) and fuzzed streams
// (blank lines, bare LF, Response: Follows bodies, Variable maps, repeated keys, Cyrillic split
// across chunks, garbage lines). The library's reader is the reference: the login callback and
// fromRaw() were written against its objects.
import t from 'tap'
import fs from 'node:fs'
import path from 'node:path'
import { StringDecoder } from 'node:string_decoder'
import type { RawAmiMessage } from 'asterisk-manager'
import { AmiBlockReader } from '../../src/ami/reader.js'
import { libraryReader } from '../helpers/library-reader.js'

const FIXTURES = path.resolve(import.meta.dirname, '../fixtures')

/** The library's reader fed the given chunks: its 'rawevent' objects, in order. */
function libraryBlocks (chunks: Buffer[]): RawAmiMessage[] {
  const blocks: RawAmiMessage[] = []
  const reader = libraryReader((raw) => { blocks.push(raw) })
  const decoder = new StringDecoder('utf8') // as the library's socket.setEncoding('utf-8')
  for (const c of chunks) reader.push(decoder.write(c))
  return blocks.map(comparable)
}

function ourBlocks (chunks: Buffer[]): RawAmiMessage[] {
  const blocks: RawAmiMessage[] = []
  const reader = new AmiBlockReader((raw) => { blocks.push(raw) })
  const decoder = new StringDecoder('utf8')
  for (const c of chunks) reader.push(decoder.write(c))
  return blocks.map(comparable)
}

/** The library sets `actionid: undefined` on a Follows body without one; ours leaves it out. */
function comparable (raw: RawAmiMessage): RawAmiMessage {
  return Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== undefined)) as RawAmiMessage
}

/** A small seeded generator (mulberry32): a failure names its seed and replays. */
function random (seed: number): () => number {
  let a = seed
  return () => {
    a = (a + 0x6d2b79f5) | 0
    let x = Math.imul(a ^ (a >>> 15), 1 | a)
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296
  }
}

function cut (bytes: Buffer, rnd: () => number, maxChunk: number): Buffer[] {
  const chunks: Buffer[] = []
  for (let i = 0; i < bytes.length;) {
    const n = 1 + Math.floor(rnd() * maxChunk)
    chunks.push(bytes.subarray(i, i + n))
    i += n
  }
  return chunks
}

const transcripts = ['ami', 'ami-dialplan'].flatMap((dir) => {
  const root = path.join(FIXTURES, dir)
  return fs.readdirSync(root, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.recv.raw')).map((f) => path.join(root, f))
})

t.test('every recorded transcript gives the library\'s blocks, however the stream is cut', async (t) => {
  t.ok(transcripts.length >= 10, `${transcripts.length} recorded transcripts`)
  for (const file of transcripts) {
    const bytes = fs.readFileSync(file)
    const whole = libraryBlocks([bytes])
    t.ok(whole.length > 0, `${path.basename(file)}: ${whole.length} blocks`)
    t.same(ourBlocks([bytes]), whole, `${path.basename(file)}: in one chunk`)
    for (const [seed, max] of [[1, 3], [2, 40], [3, 700], [4, 65_536]] as const) {
      const chunks = cut(bytes, random(seed), max)
      t.same(ourBlocks(chunks), libraryBlocks(chunks), `${path.basename(file)}: in chunks of up to ${max} bytes (seed ${seed})`)
    }
  }
})

const PIECES = [
  'Event: Newchannel', 'Channel: PJSIP/trunk-00000001', 'Uniqueid: 1795866724.0', 'Linkedid: 1795866724.0',
  'CallerIDName: Иванов Пётр', 'Exten: 73452290256', 'Variable: HD_STATUS=open', 'Variable: A=b=c', 'ChanVariable: CDR(x)=1',
  'ChanVariable: NOEQ', 'Variable: HD_STATUS', 'Value: open', 'Response: Success', 'Response: Follows', 'Response: Error',
  'ActionID: hd-1-abc-7', 'Message: a: b: c', 'Privilege: Command', '--END COMMAND--', '--END SMS EVENT--', 'no colon here',
  'Key:without space', '  Padded Key : value ', 'Asterisk Call Manager/7.0.3', 'Output: line one', 'Event: VarSet',
  'Event: Hangup', 'Cause: 16', 'Cause: 17', 'Exten: 101', '', '', ''
]

t.test('fuzzed streams give the library\'s blocks too', async (t) => {
  let blocks = 0
  for (let seed = 1; seed <= 300; seed++) {
    const rnd = random(seed)
    const lines: string[] = []
    for (let i = 0, n = 20 + Math.floor(rnd() * 200); i < n; i++) lines.push(PIECES[Math.floor(rnd() * PIECES.length)]!)
    const text = lines.map((l) => l + (rnd() < 0.1 ? '\n' : '\r\n')).join('')
    const chunks = cut(Buffer.from(text, 'utf8'), rnd, 1 + Math.floor(rnd() * 90))
    const theirs = libraryBlocks(chunks)
    blocks += theirs.length
    const ours = ourBlocks(chunks)
    if (JSON.stringify(ours) !== JSON.stringify(theirs)) { t.same(ours, theirs, `seed ${seed}`); return }
  }
  t.ok(blocks > 1000, `300 fuzzed streams, ${blocks} blocks, all as the library reads them`)
})

t.test('a line cut between its CR and LF, and a letter cut between its bytes, still read whole', async (t) => {
  const bytes = Buffer.from('Event: Newchannel\r\nCallerIDName: Пётр\r\n\r\n', 'utf8')
  const at = bytes.indexOf('\n') // after the CR
  const letter = bytes.indexOf(Buffer.from('ё', 'utf8')) + 1 // inside the two bytes of ё
  const blocks = ourBlocks([bytes.subarray(0, at), bytes.subarray(at, letter), bytes.subarray(letter)])
  t.same(blocks, [{ event: 'Newchannel', calleridname: 'Пётр' }])
})

t.test('a value kept from a block does not keep the chunk it came in alive', async (t) => {
  const { execFileSync } = await import('node:child_process')
  const out = execFileSync(process.execPath, ['--expose-gc', '--import', 'tsx', path.resolve(import.meta.dirname, '../helpers/reader-retention.ts')], { encoding: 'utf8' })
  const { kept, heapBytes } = JSON.parse(out) as { kept: number, heapBytes: number }
  t.equal(kept, 500, '500 Linkedids kept, each from its own 64 KiB chunk')
  t.ok(heapBytes < 4 * 1024 * 1024, `the heap kept ${(heapBytes / 1024).toFixed(0)} KiB for them (the chunks are 32 MiB)`)
})

t.test('a line longer than any header is dropped, not kept growing; the blocks around it are read', async (t) => {
  const blocks = ourBlocks([
    Buffer.from('Event: Newchannel\r\nLinkedid: 1.1\r\n\r\nEvent: Junk\r\nGarbage: '),
    ...Array.from({ length: 40 }, () => Buffer.from('x'.repeat(64 * 1024))), // 2.5 MiB without a line end
    Buffer.from('\r\n\r\nEvent: Hangup\r\nLinkedid: 1.1\r\n\r\n')
  ])
  t.same(blocks, [{ event: 'Newchannel', linkedid: '1.1' }, { event: 'Junk' }, { event: 'Hangup', linkedid: '1.1' }], 'the block before, the broken one without its overlong line, the block after')
})
