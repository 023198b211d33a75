// The monthly journal as the regulation prints it: A4 landscape, the ten columns with the header row
// on every page, long texts wrapped onto as many lines (and pages) as they need, «Стр. N из M», and
// the signature block. Two passes over the rows: the first only lays out (to know M), the second
// draws; the rows are read twice page by page, so a month of any size is never held in memory.
import { PassThrough, type Readable } from 'node:stream'
import PDFDocument from 'pdfkit'
import { FONTS } from './fonts.js'
import { wrapText } from './wrap.js'
import { COLUMNS, SIGNATURE_LINE, journalCells, journalTitle, type JournalHeading, type JournalRow } from './journal.js'

export interface JournalPdfInput {
  heading: JournalHeading
  /** Called once per pass: the month's rows in number order. */
  rows: () => AsyncIterable<JournalRow>
  /** Full names of those who sign (the specialist, or each who registered the month's entries). */
  signers: string[]
  /** '01.12.2026 10:00': when the document was produced (printed small in the footer). */
  producedAt: string
}

const PAGE = { width: 841.89, height: 595.28 } // A4 landscape, points
const MARGIN = 28
const FOOTER = 22
const BODY = { size: 8, line: 10 }
const HEAD = { size: 7.5, line: 9 }
const PAD = 3
// widths in points, summing to the page's width inside the margins (785.89)
const WIDTHS = [50, 34, 52, 150, 100, 100, 86, 70, 50, 93.89]
const GRAY = '#e6e6e6'

interface Cell { lines: string[] }

export function journalPdf (input: JournalPdfInput): Readable {
  const out = new PassThrough()
  const doc = new PDFDocument({ autoFirstPage: false, size: 'A4', layout: 'landscape', margin: 0, info: { Title: journalTitle(input.heading), Creator: 'Журнал специалиста' } })
  doc.registerFont('regular', FONTS.regular)
  doc.registerFont('bold', FONTS.bold)
  doc.pipe(out)
  render(doc, input).then(() => { doc.end() }, (err: unknown) => { out.destroy(err as Error) })
  return out
}

async function render (doc: PDFKit.PDFDocument, input: JournalPdfInput): Promise<void> {
  // widths of words per face and size, measured once (a month repeats its words a lot)
  const measure = (font: 'regular' | 'bold', size: number) => {
    const cache = new Map<string, number>()
    return (s: string): number => {
      let w = cache.get(s)
      if (w === undefined) {
        w = doc.font(font).fontSize(size).widthOfString(s)
        if (cache.size > 50_000) cache.clear()
        cache.set(s, w)
      }
      return w
    }
  }
  const body = measure('regular', BODY.size)
  const headCells = COLUMNS.map((c, i) => ({ lines: wrapText(c.label, WIDTHS[i]! - 2 * PAD, measure('bold', HEAD.size)) }))
  const headHeight = Math.max(...headCells.map((c) => c.lines.length)) * HEAD.line + 2 * PAD
  const title = journalTitle(input.heading)
  const titleLines = wrapText(title, PAGE.width - 2 * MARGIN, measure('bold', 12))
  const subtitle = input.heading.specialistName === null ? null : `Специалист: ${input.heading.specialistName}`
  const titleHeight = titleLines.length * 15 + (subtitle === null ? 0 : 13) + 8
  const bottom = PAGE.height - MARGIN - FOOTER

  const cellsOf = (r: JournalRow): Cell[] => {
    const text = journalCells(r)
    return COLUMNS.map((c, i) => ({ lines: wrapText(text[c.key], WIDTHS[i]! - 2 * PAD, body) }))
  }

  // One layout routine for both passes; `draw` false only counts the pages.
  const pass = async (draw: boolean, totalPages: number): Promise<number> => {
    let page = 0
    let y = 0
    const newPage = (): void => {
      page++
      if (draw) {
        doc.addPage({ size: 'A4', layout: 'landscape', margin: 0 })
        footer(page)
      }
      y = MARGIN
      if (page === 1) {
        if (draw) {
          doc.font('bold').fontSize(12).fillColor('black')
          titleLines.forEach((l, i) => doc.text(l, MARGIN, MARGIN + i * 15, { lineBreak: false }))
          if (subtitle !== null) doc.font('regular').fontSize(10).text(subtitle, MARGIN, MARGIN + titleLines.length * 15, { lineBreak: false })
        }
        y += titleHeight
      }
      if (draw) drawRow(headCells, y, headHeight, HEAD, 'bold', GRAY)
      y += headHeight
    }
    const footer = (n: number): void => {
      doc.font('regular').fontSize(7).fillColor('#444444')
      const label = `Стр. ${n} из ${totalPages}`
      doc.text(label, PAGE.width - MARGIN - doc.widthOfString(label), PAGE.height - MARGIN - 8, { lineBreak: false })
      doc.text(`${title} Сформирован ${input.producedAt}.`, MARGIN, PAGE.height - MARGIN - 8, { lineBreak: false })
      doc.fillColor('black')
    }
    const drawRow = (cells: Cell[], top: number, height: number, font: { size: number, line: number }, face: 'regular' | 'bold', fill: string | null): void => {
      let x = MARGIN
      if (fill !== null) doc.rect(MARGIN, top, PAGE.width - 2 * MARGIN, height).fill(fill)
      doc.fillColor('black').font(face).fontSize(font.size).lineWidth(0.5).strokeColor('#555555')
      cells.forEach((cell, i) => {
        const w = WIDTHS[i]!
        doc.rect(x, top, w, height).stroke()
        cell.lines.forEach((line, k) => doc.text(line, x + PAD, top + PAD + k * font.line, { lineBreak: false }))
        x += w
      })
    }

    newPage()
    let any = false
    for await (const row of input.rows()) {
      any = true
      let cells = cellsOf(row)
      const fill = row.annulReason !== null ? '#f2f2f2' : null
      for (;;) {
        const lines = Math.max(1, ...cells.map((c) => c.lines.length))
        const need = lines * BODY.line + 2 * PAD
        if (y + need <= bottom) {
          if (draw) drawRow(cells, y, need, BODY, 'regular', fill)
          y += need
          break
        }
        // not enough room: a row that fits a fresh page moves there whole; a longer one is split
        const fit = Math.floor((bottom - y - 2 * PAD) / BODY.line)
        const freshPage = y <= MARGIN + headHeight + (page === 1 ? titleHeight : 0) + 0.01
        if (!freshPage && (fit < 2 || need <= bottom - MARGIN - headHeight)) { newPage(); continue }
        const head = cells.map((c) => ({ lines: c.lines.slice(0, fit) }))
        if (draw) drawRow(head, y, fit * BODY.line + 2 * PAD, BODY, 'regular', fill)
        // the rest goes on with the entry's date and number, marked as continued
        cells = cells.map((c, i) => ({ lines: i === 0 ? [journalCells(row).date] : i === 1 ? [String(row.number), 'прод.'] : c.lines.slice(fit) }))
        newPage()
      }
    }
    if (!any) {
      if (y + 30 > bottom) newPage()
      if (draw) doc.font('regular').fontSize(9).text('Запросов за месяц не зарегистрировано.', MARGIN, y + 8, { lineBreak: false })
      y += 30
    }
    // the signature block: the regulation's line and room to sign for each specialist
    const signers = input.signers.length > 0 ? input.signers : ['']
    const blockHeight = 34 + signers.length * 30
    if (y + blockHeight > bottom) { newPage(); y += 4 }
    y += 18
    if (draw) doc.font('bold').fontSize(10).text(SIGNATURE_LINE, MARGIN, y, { lineBreak: false })
    y += 22
    for (const name of signers) {
      if (draw) {
        doc.font('regular').fontSize(10)
        doc.text('«____» ______________ 20____ г.', MARGIN, y, { lineBreak: false })
        doc.text(name === '' ? '________________________________________' : name, MARGIN + 210, y, { lineBreak: false })
        doc.text('______________________ (подпись)', MARGIN + 560, y, { lineBreak: false })
      }
      y += 30
    }
    return page
  }

  const pages = await pass(false, 0)
  await pass(true, pages)
}
