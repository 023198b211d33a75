// Titled tables as a workbook: one sheet per table, the header frozen, widths from the columns.
import ExcelJS from 'exceljs'
import type { Table } from './compliance-tables.js'

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
    for (const r of t.rows) ws.addRow(r).alignment = { wrapText: true, vertical: 'top' }
    if (t.rows.length === 0) ws.addRow([t.empty])
  })
  return Buffer.from(await wb.xlsx.writeBuffer())
}
