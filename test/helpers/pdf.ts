// Reading a produced PDF back with Debian's poppler-utils (pdftotext, pdffonts, pdfinfo).
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

export const HAS_POPPLER = ['/usr/bin/pdftotext', '/usr/bin/pdffonts', '/usr/bin/pdfinfo'].every((p) => fs.existsSync(p))
export const NO_POPPLER = 'poppler-utils is not installed (apt-get install poppler-utils; .ci/run does it): PDF checks skipped'

function withFile<T> (pdf: Buffer, fn: (file: string) => T): T {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hdj-pdf-'))
  const file = path.join(dir, 'doc.pdf')
  fs.writeFileSync(file, pdf)
  try { return fn(file) } finally { fs.rmSync(dir, { recursive: true, force: true }) }
}

/** The text in drawing order (-raw), whitespace runs collapsed to one space. */
export function pdfText (pdf: Buffer): string {
  return withFile(pdf, (f) => execFileSync('pdftotext', ['-raw', '-enc', 'UTF-8', f, '-'], { encoding: 'utf8' })).replace(/\s+/g, ' ')
}

/** The text of each page, in order. */
export function pdfPages (pdf: Buffer): string[] {
  return withFile(pdf, (f) => execFileSync('pdftotext', ['-raw', '-enc', 'UTF-8', f, '-'], { encoding: 'utf8' })).split('\f').slice(0, -1).map((p) => p.replace(/\s+/g, ' '))
}

export interface PdfFont { name: string, type: string, embedded: boolean }
export function pdfFonts (pdf: Buffer): PdfFont[] {
  const out = withFile(pdf, (f) => execFileSync('pdffonts', [f], { encoding: 'utf8' }))
  return out.split('\n').slice(2).filter((l) => l.trim() !== '').map((l) => {
    const cols = l.trim().split(/\s+/)
    // name, type (1–2 words), encoding, emb, sub, uni, object, ID
    const n = cols.length
    return { name: cols[0]!, type: cols.slice(1, n - 6).join(' '), embedded: cols[n - 5] === 'yes' }
  })
}

export function pdfInfo (pdf: Buffer): Record<string, string> {
  const out = withFile(pdf, (f) => execFileSync('pdfinfo', [f], { encoding: 'utf8' }))
  return Object.fromEntries(out.split('\n').filter((l) => l.includes(':')).map((l) => [l.slice(0, l.indexOf(':')).trim(), l.slice(l.indexOf(':') + 1).trim()]))
}
