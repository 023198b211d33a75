// Titled tables as a workbook: one sheet per table, the header frozen, widths from the columns,
// dates and times as date cells.
import ExcelJS from 'exceljs'
import type { Table } from './compliance-tables.js'

const DATE = /^(\d{2})\.(\d{2})\.(\d{4})(?: (\d{2}):(\d{2}))?$/

/** '13.11.2026 16:00' (center time) as a date cell: exceljs writes a Date as its UTC wall time. */
function cellValue (v: string): string | Date {
  const m = DATE.exec(v)
  if (m === null) return v
  return new Date(Date.UTC(Number(m[3]), Number(m[2]) - 1, Number(m[1]), Number(m[4] ?? 0), Number(m[5] ?? 0)))
}
const dateFormat = (v: string): string | undefined => { const m = DATE.exec(v); return m === null ? undefined : m[4] === undefined ? 'dd.mm.yyyy' : 'dd.mm.yyyy hh:mm' }

export async function tablesXlsx (input: { title: string, subtitle: string, tables: Table[], sheetNames: string[] }): Promise<Buffer> {
  const wb = new ExcelJS.Workbook()
  wb.creator = 'Журнал специалиста'
  input.tables.forEach((t, i) => {
    const ws = wb.addWorksheet(input.sheetNames[i] ?? `Лист ${i + 1}`, { views: [{ state: 'frozen', ySplit: 4 }] })
    ws.columns = t.columns.map((c) => ({ width: Math.max(10, Math.round(c.width / 5.5)) }))
    ws.addRow([t.title]).font = { bold: true, size: 12 }
    ws.addRow([t.note ?? input.subtitle])
    ws.addRow([input.title])
    const h = ws.addRow(t.columns.map((c) => c.label))
    h.font = { bold: true }
    h.alignment = { wrapText: true, vertical: 'middle' }
    for (const r of t.rows) {
      const row = ws.addRow(r.map(cellValue))
      row.alignment = { wrapText: true, vertical: 'top' }
      r.forEach((v, i) => { const f = dateFormat(v); if (f !== undefined) row.getCell(i + 1).numFmt = f })
    }
    if (t.rows.length === 0) ws.addRow([t.empty])
  })
  return Buffer.from(await wb.xlsx.writeBuffer())
}
