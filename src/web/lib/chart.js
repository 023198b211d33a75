// Charts: Chart.js (its UMD build, served by the service at /vendor/chart.js: no CDN, the page's
// CSP stays own-origin) wrapped in a Preact component that rebuilds the chart when data changes.
import { html, useEffect, useRef } from '/vendor/preact.js'
import '/vendor/chart.js'

// the UMD build sets window.Chart; its types are not part of the page's contract with the server
const Chart = /** @type {any} */ (window).Chart
Chart.defaults.font.family = 'system-ui, sans-serif'
Chart.defaults.animation = false // print and tests see the final picture at once

export const COLORS = ['#2f6fdb', '#2e9d5b', '#e0a100', '#d2452f', '#7a4fd1', '#8a8f98', '#1aa3a3', '#c2185b']

/** <${ChartBox} type="bar" labels=${[...]} datasets=${[{ label, data }]} /> */
export function ChartBox ({ type, labels, datasets, stacked = false, horizontal = false, title, testid, tall = false }) {
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
        plugins: { legend: { display: many || type === 'doughnut', position: 'bottom' }, title: { display: Boolean(title), text: title } },
        scales: type === 'doughnut' ? {} : { x: { stacked, ticks: { autoSkip: true } }, y: { stacked, beginAtZero: true, ticks: { precision: 0 } } }
      }
    })
    return () => chart.destroy()
  }, [JSON.stringify([type, labels, datasets, stacked, horizontal, title])])
  // what the picture shows, for a screen reader: «Запросы по типам: Поддержка — 3, Ошибка — 1»
  const summary = datasets.map((d) => `${datasets.length > 1 && d.label ? d.label + ': ' : ''}${labels.map((l, i) => `${l} — ${d.data?.[i] ?? 0}`).join(', ')}`).join('; ')
  return html`<div class=${tall ? 'chart tall' : 'chart'} data-testid=${testid}><canvas ref=${canvas} role="img" aria-label=${`${title ?? 'Диаграмма'}: ${summary}`}></canvas></div>`
}
