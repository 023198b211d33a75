// The yearly archive («папка годовой отчетности»): every archived version of each month's journal,
// made by the schedule on the 5th or again on request; the year's folder downloads as one zip.
import { html, useEffect, useState } from '/vendor/preact.js'
import { api, qs } from '../lib/api.js'
import { dateTime } from '../lib/format.js'
import { isHead } from '../lib/store.js'

const MONTHS = ['январь', 'февраль', 'март', 'апрель', 'май', 'июнь', 'июль', 'август', 'сентябрь', 'октябрь', 'ноябрь', 'декабрь']
const kb = (n) => `${Math.max(1, Math.round(n / 1024))} КБ`

export function ArchiveView ({ me, lastMonth }) {
  const [year, setYear] = useState(lastMonth.year)
  const [data, setData] = useState(null)
  const [error, setError] = useState(null)
  const [busy, setBusy] = useState(null)
  const [month, setMonth] = useState(lastMonth.month)
  const load = async () => {
    try { setData(await api('GET', '/api/reports/archive' + qs({ year }))); setError(null) } catch (err) { setError(err.message) }
  }
  useEffect(() => { void load() }, [year])
  async function produce (m) {
    setBusy(m)
    try { await api('POST', '/api/reports/archive', { year, month: m }); await load() } catch (err) { setError(err.message) } finally { setBusy(null) }
  }
  const years = [...new Set([lastMonth.year, ...(data?.years ?? [])])].sort((a, b) => b - a)
  return html`<div class="archive">
    <div class="filters">
      <label>Год <select data-testid="archive-year" onChange=${(e) => setYear(Number(e.target.value))}>
        ${years.map((y) => html`<option value=${y} selected=${y === year}>${y}</option>`)}</select></label>
      <a class="button primary" href=${`/api/reports/archive/year/${year}`} download data-testid="archive-zip">Скачать папку за ${year} год (ZIP)</a>
      ${isHead(me) && html`<span class="produce">
        <select data-testid="archive-month" aria-label="Месяц, за который сформировать журнал" onChange=${(e) => setMonth(Number(e.target.value))}>
          ${MONTHS.map((n, i) => html`<option value=${i + 1} selected=${i + 1 === month}>${n}</option>`)}</select>
        <button onClick=${() => produce(month)} disabled=${busy !== null} data-testid="archive-produce">Сформировать журнал за месяц</button>
      </span>`}
    </div>
    <p class="muted small">Журнал за прошедший месяц формируется автоматически 5 числа (по времени центра). Сформированный экземпляр не изменяется; повторное формирование добавляет новую версию.</p>
    ${error !== null && html`<p class="error" role="alert">${error}</p>`}
    <table class="grid" data-testid="archive-table">
      <thead><tr><th>Месяц</th><th>Версия</th><th>Сформирован</th><th>Кем</th><th>Записей</th><th>Файлы</th><th title="По ней видно, что файл не менялся после архивации">Контрольная сумма</th></tr></thead>
      <tbody>
        ${data === null && error === null && html`<tr><td colspan="7" class="empty">Загрузка…</td></tr>`}
        ${data !== null && data.items.length === 0 && html`<tr><td colspan="7" class="empty">За ${year} год в архиве пока нет журналов</td></tr>`}
        ${(data?.items ?? []).map((r) => html`<tr key=${r.id} data-archive-id=${r.id}>
          <td>${MONTHS[r.month - 1]} ${r.year}</td>
          <td class="num">${r.version}</td>
          <td class="nowrap">${dateTime(r.createdAt)}</td>
          <td>${r.createdBy === null ? html`<span class="muted">по расписанию</span>` : r.createdBy.fullName}</td>
          <td class="num">${r.entries}</td>
          <td class="nowrap"><a href=${`/api/reports/archive/${r.id}/pdf`} download>PDF</a> (${kb(r.pdfSize)}) · <a href=${`/api/reports/archive/${r.id}/xlsx`} download>XLSX</a> (${kb(r.xlsxSize)})</td>
          <td class="mono small" title=${`PDF ${r.pdfSha256}\nXLSX ${r.xlsxSha256}`}>${r.pdfSha256.slice(0, 16)}…</td>
        </tr>`)}
      </tbody>
    </table>
  </div>`
}
