// A zip written as it goes (fflate: no dependencies, streaming, UTF-8 names flagged): files are
// added one at a time, so the year's folder never sits in memory whole. PDFs and XLSX are
// already compressed and are stored; text is deflated.
import { PassThrough, type Readable } from 'node:stream'
import { Zip, ZipDeflate, ZipPassThrough } from 'fflate'

export interface ZipFile { name: string, bytes: Uint8Array, compress?: boolean, modified?: Date }

export function zipStream (files: AsyncIterable<ZipFile>): Readable {
  const out = new PassThrough()
  const zip = new Zip((err, chunk, final) => {
    if (err !== null) { out.destroy(err); return }
    out.write(chunk)
    if (final) out.end()
  })
  void (async () => {
    for await (const f of files) {
      const entry = f.compress === true ? new ZipDeflate(f.name, { level: 6 }) : new ZipPassThrough(f.name)
      if (f.modified !== undefined) entry.mtime = f.modified
      zip.add(entry)
      entry.push(f.bytes, true)
      // let the consumer take what was written before the next file is read
      if (out.writableNeedDrain) await new Promise((resolve) => out.once('drain', resolve))
    }
    zip.end()
  })().catch((err: unknown) => { zip.terminate(); out.destroy(err as Error) })
  return out
}
