// The monthly journal as a spreadsheet: the same columns and texts as the PDF, real dates and
// numbers in the cells (an office sorts and sums them), the header row frozen on screen and
// repeated on print. Written row by row with exceljs's streaming writer: memory stays flat.
import { PassThrough, type Readable } from 'node:stream'
import ExcelJS from 'exceljs'
import { COLUMNS, SIGNATURE_LINE, journalCells, journalTitle, type JournalHeading, type JournalRow } from './journal.js'

export interface JournalXlsxInput {
  heading: JournalHeading
  rows: AsyncIterable<JournalRow>
  signers: string[]
  producedAt: string
}

/** Column widths in characters: dates and numbers fit exactly, long texts wrap. */
const WIDTHS = [11, 7, 12, 60, 36, 32, 30, 24, 12, 40]
export const HEADER_ROW = 3

/** A date-only cell: exceljs writes a Date as its UTC wall time, so the date is midnight UTC. */
export function dateCell (iso: string | null): Date | null {
  if (iso === null) return null
  const [y, m, d] = iso.split('-').map(Number) as [number, number, number]
  return new Date(Date.UTC(y, m - 1, d))
}

export function journalXlsx (input: JournalXlsxInput): Readable {
  const out = new PassThrough()
  write(out, input).catch((err: unknown) => { out.destroy(err as Error) })
  return out
}

async function write (out: PassThrough, input: JournalXlsxInput): Promise<void> {
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false })
  wb.creator = 'Журнал специалиста'
  const ws = wb.addWorksheet('Журнал', {
    views: [{ state: 'frozen', ySplit: HEADER_ROW, xSplit: 0 }],
    pageSetup: { paperSize: 9, orientation: 'landscape', fitToPage: true, fitToWidth: 1, fitToHeight: 0, printTitlesRow: `${HEADER_ROW}:${HEADER_ROW}` }
  })
  ws.columns = WIDTHS.map((width) => ({ width }))
  const title = ws.addRow([journalTitle(input.heading)])
  title.font = { bold: true, size: 13 }
  title.commit()
  ws.addRow([input.heading.specialistName === null ? `Сформирован ${input.producedAt}` : `Специалист: ${input.heading.specialistName}. Сформирован ${input.producedAt}`]).commit()
  const header = ws.addRow(COLUMNS.map((c) => c.label))
  header.font = { bold: true }
  header.alignment = { wrapText: true, vertical: 'middle' }
  header.eachCell((cell) => {
    cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFE6E6E6' } }
    cell.border = { top: { style: 'thin' }, bottom: { style: 'thin' }, left: { style: 'thin' }, right: { style: 'thin' } }
  })
  header.commit()

  for await (const r of input.rows) {
    const text = journalCells(r)
    const row = ws.addRow([
      dateCell(r.registeredOn), r.number, text.type, text.description, text.organization, text.contact,
      text.additional, text.status, dateCell(r.resolvedOn), text.note
    ])
    row.alignment = { wrapText: true, vertical: 'top' }
    row.getCell(1).numFmt = 'dd.mm.yyyy'
    row.getCell(9).numFmt = 'dd.mm.yyyy'
    if (r.annulReason !== null) row.font = { italic: true, color: { argb: 'FF666666' } }
    row.commit()
  }
  ws.addRow([]).commit()
  const sig = ws.addRow([SIGNATURE_LINE])
  sig.font = { bold: true }
  sig.commit()
  for (const name of input.signers) ws.addRow(['«____» ________ 20___ г.', null, null, name, null, '____________ (подпись)']).commit()
  ws.commit()
  await wb.commit()
}
