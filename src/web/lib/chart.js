// Charts: Chart.js (its UMD build, served by the service at /vendor/chart.js: no CDN, the page's
// CSP stays own-origin) wrapped in a Preact component that rebuilds the chart when data changes.
import { html, useEffect, useRef } from '/vendor/preact.js'
import '/vendor/chart.js'

// the UMD build sets window.Chart; its types are not part of the page's contract with the server
const Chart = /** @type {any} */ (window).Chart
Chart.defaults.font.family = 'system-ui, sans-serif'
Chart.defaults.animation = false // print and tests see the final picture at once

export const COLORS = ['#2f6fdb', '#2e9d5b', '#e0a100', '#d2452f', '#7a4fd1', '#8a8f98', '#1aa3a3', '#c2185b']

/** Background of a category behind its bar: the working hours, lunch, a day off. */
export const BAND_COLORS = { work: 'rgba(46, 157, 91, 0.12)', lunch: 'rgba(224, 161, 0, 0.18)', off: 'rgba(138, 143, 152, 0.18)' }

// draws options.plugins.bands.bands[i] ('work' | 'lunch' | 'off' | null) behind category i
const bandsPlugin = {
  id: 'bands',
  beforeDatasetsDraw (chart, _args, opts) {
    const bands = opts?.bands
    const x = chart.scales.x
    if (!Array.isArray(bands) || x === undefined) return
    const { ctx, chartArea } = chart
    const step = bands.length > 1 ? Math.abs(x.getPixelForValue(1) - x.getPixelForValue(0)) : chartArea.right - chartArea.left
    ctx.save()
    bands.forEach((band, i) => {
      if (band === null || BAND_COLORS[band] === undefined) return
      ctx.fillStyle = BAND_COLORS[band]
      ctx.fillRect(x.getPixelForValue(i) - step / 2, chartArea.top, step, chartArea.bottom - chartArea.top)
    })
    ctx.restore()
  }
}

/**
 * <${ChartBox} type="bar" labels=${[...]} datasets=${[{ label, data }]} />; `bands`: one of 'work',
 * 'lunch', 'off' or null per label, shaded behind its bar (vertical bar charts).
 */
export function ChartBox ({ type, labels, datasets, stacked = false, horizontal = false, title, testid, tall = false, bands = null }) {
  const canvas = useRef(null)
  useEffect(() => {
    const many = datasets.length > 1
    const chart = new Chart(canvas.current, {
      type,
      data: {
        labels,
        datasets: datasets.map((d, i) => ({
          ...d,
          backgroundColor: d.backgroundColor ?? (type === 'doughnut' ? COLORS : COLORS[i % COLORS.length]),
          borderWidth: type === 'doughnut' ? 1 : 0
        }))
      },
      options: {
        maintainAspectRatio: false,
        indexAxis: horizontal ? 'y' : 'x',
        plugins: { legend: { display: many || type === 'doughnut', position: 'bottom' }, title: { display: Boolean(title), text: title }, bands: { bands } },
        scales: type === 'doughnut' ? {} : { x: { stacked, ticks: { autoSkip: true } }, y: { stacked, beginAtZero: true, ticks: { precision: 0 } } }
      },
      plugins: bands === null ? [] : [bandsPlugin]
    })
    return () => chart.destroy()
  }, [JSON.stringify([type, labels, datasets, stacked, horizontal, title, bands])])
  // what the picture shows, for a screen reader: «Запросы по типам: Поддержка — 3, Ошибка — 1»
  const summary = datasets.map((d) => `${datasets.length > 1 && d.label ? d.label + ': ' : ''}${labels.map((l, i) => `${l} — ${d.data?.[i] ?? 0}`).join(', ')}`).join('; ')
  return html`<div class=${tall ? 'chart tall' : 'chart'} data-testid=${testid} data-bands=${bands === null ? undefined : bands.map((b) => b ?? '-').join(' ')}><canvas ref=${canvas} role="img" aria-label=${`${title ?? 'Диаграмма'}: ${summary}`}></canvas></div>`
}
