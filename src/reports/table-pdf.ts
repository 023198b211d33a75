// A report of titled tables as an A4 landscape PDF (the compliance report): wrapped cells, each
// table's header row repeated on every page it runs onto, «Стр. N из M», the packaged DejaVu font.
import { PassThrough, type Readable } from 'node:stream'
import PDFDocument from 'pdfkit'
import { FONTS } from './fonts.js'
import { wrapText } from './wrap.js'
import type { Table } from './compliance-tables.js'

const PAGE = { width: 841.89, height: 595.28 }
const MARGIN = 28
const BOTTOM = PAGE.height - MARGIN - 22
const PAD = 3
const LINE = 10
const SIZE = 8
const USABLE = PAGE.width - 2 * MARGIN

export function tablesPdf (input: { title: string, subtitle: string, tables: Table[] }): Readable {
  const out = new PassThrough()
  const doc = new PDFDocument({ autoFirstPage: false, size: 'A4', layout: 'landscape', margin: 0, info: { Title: input.title, Creator: 'Журнал специалиста' } })
  doc.registerFont('regular', FONTS.regular)
  doc.registerFont('bold', FONTS.bold)
  doc.pipe(out)
  try {
    const pages = layout(doc, input, false, 0)
    layout(doc, input, true, pages)
    doc.end()
  } catch (err) {
    out.destroy(err as Error)
  }
  return out
}

function layout (doc: PDFKit.PDFDocument, input: { title: string, subtitle: string, tables: Table[] }, draw: boolean, total: number): number {
  const measure = (face: 'regular' | 'bold', size: number) => (s: string): number => doc.font(face).fontSize(size).widthOfString(s)
  let page = 0
  let y = 0
  const newPage = (): void => {
    page++
    y = MARGIN
    if (!draw) return
    doc.addPage({ size: 'A4', layout: 'landscape', margin: 0 })
    doc.font('regular').fontSize(7).fillColor('#444444')
    const label = `Стр. ${page} из ${total}`
    doc.text(label, PAGE.width - MARGIN - doc.widthOfString(label), PAGE.height - MARGIN - 8, { lineBreak: false })
    doc.text(`${input.title}. ${input.subtitle}`, MARGIN, PAGE.height - MARGIN - 8, { lineBreak: false })
    doc.fillColor('black')
  }
  const text = (lines: string[], face: 'regular' | 'bold', size: number, lineHeight: number): void => {
    if (draw) {
      doc.font(face).fontSize(size).fillColor('black')
      lines.forEach((l, i) => doc.text(l, MARGIN, y + i * lineHeight, { lineBreak: false }))
    }
    y += lines.length * lineHeight
  }
  const row = (cells: string[][], widths: number[], face: 'regular' | 'bold', fill: string | null): void => {
    const height = Math.max(1, ...cells.map((c) => c.length)) * LINE + 2 * PAD
    if (draw) {
      if (fill !== null) doc.rect(MARGIN, y, widths.reduce((a, b) => a + b, 0), height).fill(fill)
      doc.fillColor('black').font(face).fontSize(SIZE).lineWidth(0.5).strokeColor('#555555')
      let x = MARGIN
      cells.forEach((lines, i) => {
        doc.rect(x, y, widths[i]!, height).stroke()
        lines.forEach((l, k) => doc.text(l, x + PAD, y + PAD + k * LINE, { lineBreak: false }))
        x += widths[i]!
      })
    }
    y += height
  }

  newPage()
  text(wrapText(input.title, USABLE, measure('bold', 12)), 'bold', 12, 15)
  text([input.subtitle], 'regular', 9, 13)
  for (const table of input.tables) {
    const scale = Math.min(1, USABLE / table.columns.reduce((a, c) => a + c.width, 0))
    const widths = table.columns.map((c) => c.width * scale)
    const header = table.columns.map((c, i) => wrapText(c.label, widths[i]! - 2 * PAD, measure('bold', SIZE)))
    const headerHeight = Math.max(...header.map((h) => h.length)) * LINE + 2 * PAD
    const titleLines = wrapText(table.title, USABLE, measure('bold', 11))
    const noteLines = table.note === undefined ? [] : wrapText(table.note, USABLE, measure('regular', 9))
    // the title stays with the header and the first row
    if (y + 14 + titleLines.length * 14 + noteLines.length * 12 + headerHeight + LINE + 2 * PAD > BOTTOM) newPage()
    y += 14
    text(titleLines, 'bold', 11, 14)
    text(noteLines, 'regular', 9, 12)
    y += 4
    row(header, widths, 'bold', '#e6e6e6')
    if (table.rows.length === 0) text([table.empty], 'regular', 9, 14)
    for (const r of table.rows) {
      let cells = r.map((v, i) => wrapText(v, widths[i]! - 2 * PAD, measure('regular', SIZE)))
      for (;;) {
        const need = Math.max(1, ...cells.map((c) => c.length)) * LINE + 2 * PAD
        if (y + need <= BOTTOM) { row(cells, widths, 'regular', null); break }
        const fit = Math.floor((BOTTOM - y - 2 * PAD) / LINE)
        const fresh = y <= MARGIN + headerHeight + 0.01
        if (!fresh && (fit < 2 || need <= BOTTOM - MARGIN - headerHeight)) { newPage(); row(header, widths, 'bold', '#e6e6e6'); continue }
        row(cells.map((c) => c.slice(0, fit)), widths, 'regular', null)
        cells = cells.map((c) => c.slice(fit))
        newPage()
        row(header, widths, 'bold', '#e6e6e6')
      }
    }
  }
  return page
}

