// The scale chart: each operation's time against the issuer's size, log-log, as SVG, rendered to
// PNG by the Chromium that playwright-core drives (already a devDependency; no new dependency).
import { writeFile } from 'node:fs/promises'

const COLOURS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b', '#e377c2', '#17becf', '#7f7f7f']

/**
 * @param {{ title: string, xLabel: string, yLabel: string, series: Array<{ name: string, points: Array<[number, number]> }> }} chart
 * @returns {string} an SVG document
 */
export function chartSvg({ title, xLabel, yLabel, series }) {
  const W = 960
  const H = 600
  const m = { left: 80, right: 290, top: 50, bottom: 60 }
  const all = series.flatMap((s) => s.points).filter(([x, y]) => x > 0 && y > 0)
  const lx = (v) => Math.log10(v)
  const x0 = Math.floor(lx(Math.min(...all.map((p) => p[0]))))
  const x1 = Math.ceil(lx(Math.max(...all.map((p) => p[0]))))
  const y0 = Math.floor(lx(Math.min(...all.map((p) => p[1]))))
  const y1 = Math.ceil(lx(Math.max(...all.map((p) => p[1]))))
  const px = (v) => m.left + ((lx(v) - x0) / Math.max(1, x1 - x0)) * (W - m.left - m.right)
  const py = (v) => H - m.bottom - ((lx(v) - y0) / Math.max(1, y1 - y0)) * (H - m.top - m.bottom)
  const parts = [`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="DejaVu Sans, Arial, sans-serif" font-size="13">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${m.left}" y="28" font-size="17" font-weight="bold">${escape(title)}</text>`]
  const fmt = (e) => (e >= 6 ? `${10 ** (e - 6)}M` : e >= 3 ? `${10 ** (e - 3)}k` : e >= 0 ? `${10 ** e}` : `${10 ** e}`)
  const fmtMs = (e) => (e >= 3 ? `${10 ** (e - 3)} s` : e >= 0 ? `${10 ** e} ms` : `${(10 ** e).toFixed(-e)} ms`)
  for (let e = x0; e <= x1; e++) {
    parts.push(`<line x1="${px(10 ** e)}" y1="${m.top}" x2="${px(10 ** e)}" y2="${H - m.bottom}" stroke="#ddd"/>`)
    parts.push(`<text x="${px(10 ** e)}" y="${H - m.bottom + 20}" text-anchor="middle">${fmt(e)}</text>`)
  }
  for (let e = y0; e <= y1; e++) {
    parts.push(`<line x1="${m.left}" y1="${py(10 ** e)}" x2="${W - m.right}" y2="${py(10 ** e)}" stroke="#ddd"/>`)
    parts.push(`<text x="${m.left - 8}" y="${py(10 ** e) + 4}" text-anchor="end">${fmtMs(e)}</text>`)
  }
  parts.push(`<rect x="${m.left}" y="${m.top}" width="${W - m.left - m.right}" height="${H - m.top - m.bottom}" fill="none" stroke="#333"/>`)
  parts.push(`<text x="${(m.left + W - m.right) / 2}" y="${H - 18}" text-anchor="middle">${escape(xLabel)}</text>`)
  parts.push(`<text transform="translate(20 ${(m.top + H - m.bottom) / 2}) rotate(-90)" text-anchor="middle">${escape(yLabel)}</text>`)
  series.forEach((s, i) => {
    const colour = COLOURS[i % COLOURS.length]
    const pts = s.points.filter(([x, y]) => x > 0 && y > 0)
    if (pts.length === 0) return
    parts.push(`<polyline fill="none" stroke="${colour}" stroke-width="2.5" points="${pts.map(([x, y]) => `${px(x).toFixed(1)},${py(y).toFixed(1)}`).join(' ')}"${s.dashed ? ' stroke-dasharray="6 4"' : ''}/>`)
    for (const [x, y] of pts) parts.push(`<circle cx="${px(x).toFixed(1)}" cy="${py(y).toFixed(1)}" r="4" fill="${colour}"/>`)
    const ly = m.top + 10 + i * 24
    parts.push(`<line x1="${W - m.right + 16}" y1="${ly}" x2="${W - m.right + 44}" y2="${ly}" stroke="${colour}" stroke-width="2.5"${s.dashed ? ' stroke-dasharray="6 4"' : ''}/>`)
    parts.push(`<text x="${W - m.right + 50}" y="${ly + 4}">${escape(s.name)}</text>`)
  })
  parts.push('</svg>')
  return parts.join('\n')
}

function escape(text) {
  return String(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
}

/** Renders an SVG to a PNG file with headless Chromium (loopback only: the page loads nothing). */
export async function renderPng(svg, file, executablePath = process.env.AGENTID_CHROMIUM ?? '/usr/bin/chromium') {
  const { chromium } = await import('playwright-core')
  const browser = await chromium.launch({ executablePath, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'] })
  try {
    const page = await browser.newPage({ viewport: { width: 960, height: 600 } })
    await page.setContent(`<!doctype html><html><body style="margin:0">${svg}</body></html>`)
    await writeFile(file, await page.screenshot({ clip: { x: 0, y: 0, width: 960, height: 600 } }))
  } finally {
    await browser.close()
  }
}
