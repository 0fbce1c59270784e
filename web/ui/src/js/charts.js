// Charts drawn as plain SVG (no library, nothing from outside): horizontal bars for a rate
// per area, and stacked bars over time with an optional line. Sizes are in CSS pixels of
// the width the chart is given, so the text stays readable at any width.
import { h, setSafeAttribute } from './dom.js';

const NS = 'http://www.w3.org/2000/svg';
const AXIS = '#90a4ae', GRID = '#e3e8ec', INK = '#1f2933', MUTED = '#607080';

// s('rect', {x: 1, ...}, children...)
export function s(tag, attrs = {}, ...children) {
  const el = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'dataset') for (const [dk, dv] of Object.entries(v)) el.dataset[dk] = dv;
    else if (k === 'text') el.textContent = v;
    else setSafeAttribute(el, k, v);
  }
  for (const c of children.flat()) if (c !== null && c !== undefined && c !== false) el.append(c);
  return el;
}

// A tooltip that a mouse shows and a screen reader reads.
const tip = (text) => s('title', { text });

// Round numbers for an axis from 0 to at least `max`: [0, step, 2·step, …]; whole steps
// for counts.
export function ticks(max, want = 5, whole = true) {
  if (!(max > 0)) return [0, 1];
  const raw = max / want;
  const mag = 10 ** Math.floor(Math.log10(raw));
  let step = [1, 2, 5, 10].map((m) => m * mag).find((x) => x >= raw) || 10 * mag;
  if (whole) step = Math.max(1, Math.round(step));
  const n = Math.max(1, Math.ceil(max / step - 1e-9));
  return Array.from({ length: n + 1 }, (_, i) => Math.round(i * step * 1e6) / 1e6);
}

// One row per item: label, a bar of value (0–1), the value as text; null values get a row
// with a dash, so that every area is seen. opts: {rows: [{id, label, value, title, colour,
// flag}], width, reference: {value, label}, fmt, axisLabel, emptyText}
export function hbars({ rows, width = 640, reference, fmt = (v) => `${Math.round(v * 1000) / 10}%`, nullText = '—', label }) {
  const rowH = 24, top = 26, labelW = Math.min(180, Math.max(90, Math.round(width * 0.28))), valueW = 64;
  const plotW = Math.max(120, width - labelW - valueW - 8);
  const height = top + rows.length * rowH + 6;
  const x = (v) => labelW + v * plotW;
  const svg = s('svg', { class: 'chart chart-hbars', width, height, viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': label });
  // The axis on top: 0, 25, 50, 75, 100 %, with grid lines down the rows.
  for (const v of [0, 0.25, 0.5, 0.75, 1]) {
    svg.append(s('line', { x1: x(v), x2: x(v), y1: top - 4, y2: height - 4, stroke: v === 0 ? AXIS : GRID }),
      s('text', { x: x(v), y: top - 10, 'text-anchor': 'middle', class: 'tick', fill: MUTED, text: `${v * 100}%` }));
  }
  rows.forEach((r, i) => {
    const y = top + i * rowH;
    const g = s('g', { class: 'bar', dataset: { id: r.id, value: r.value === null ? '' : String(r.value) } });
    const name = r.label.length > 14 ? `${r.label.slice(0, 13)}…` : r.label;
    g.append(s('text', { x: labelW - 8, y: y + rowH / 2 + 4, 'text-anchor': 'end', fill: r.flag ? '#b71c1c' : INK, class: r.flag ? 'flagged' : null, text: name }));
    if (r.value === null) {
      g.append(s('text', { x: x(0) + 6, y: y + rowH / 2 + 4, fill: MUTED, class: 'none', text: nullText }));
    } else {
      const w = Math.max(r.value > 0 ? 2 : 0, r.value * plotW);
      g.append(s('rect', { x: x(0), y: y + 4, width: w, height: rowH - 8, rx: 2, fill: r.colour || '#1565c0' }),
        s('text', { x: x(0) + w + 6, y: y + rowH / 2 + 4, fill: INK, class: 'value', text: fmt(r.value) }));
    }
    g.append(tip(r.title || `${r.label}: ${r.value === null ? nullText : fmt(r.value)}`));
    svg.append(g);
  });
  if (reference && reference.value !== null && reference.value !== undefined) {
    const rx = x(reference.value);
    svg.append(s('line', { x1: rx, x2: rx, y1: top - 4, y2: height - 4, stroke: '#12355b', 'stroke-width': 1.5, 'stroke-dasharray': '5 4', class: 'reference' },
      tip(reference.label)));
  }
  return svg;
}

// Bars over time, each bar a stack of series, and optionally a line over them.
// opts: {labels: ['05-01', …], series: [{id, name, colour, values: [n…]}], line: {name,
// colour, values: [n|null…]}, width, height, label}
export function timeBars({ labels, series, line, width = 640, height = 240, label, yLabel }) {
  const left = 44, right = 12, top = 24, bottom = 40;
  const plotW = Math.max(100, width - left - right), plotH = height - top - bottom;
  const n = labels.length;
  const totals = labels.map((_, i) => series.reduce((a, x) => a + (x.values[i] || 0), 0));
  const lineMax = line ? Math.max(0, ...line.values.filter((v) => v !== null)) : 0;
  const ys = ticks(Math.max(1, ...totals, lineMax));
  const yMax = ys[ys.length - 1];
  const y = (v) => top + plotH - (v / yMax) * plotH;
  const band = plotW / Math.max(1, n);
  const barW = Math.max(1, Math.min(36, band * 0.72));
  const cx = (i) => left + band * (i + 0.5);
  const svg = s('svg', { class: 'chart chart-time', width, height, viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': label });
  for (const v of ys) {
    svg.append(s('line', { x1: left, x2: left + plotW, y1: y(v), y2: y(v), stroke: v === 0 ? AXIS : GRID }),
      s('text', { x: left - 6, y: y(v) + 4, 'text-anchor': 'end', class: 'tick', fill: MUTED, text: String(v) }));
  }
  if (yLabel) svg.append(s('text', { x: 4, y: 11, class: 'tick', fill: MUTED, text: yLabel }));
  // As many dates as fit without touching: every k-th.
  const every = Math.max(1, Math.ceil(n / Math.max(1, Math.floor(plotW / 46))));
  labels.forEach((l, i) => {
    if (i % every) return;
    svg.append(s('line', { x1: cx(i), x2: cx(i), y1: top + plotH, y2: top + plotH + 4, stroke: AXIS }),
      s('text', { x: cx(i), y: top + plotH + 17, 'text-anchor': 'middle', class: 'tick', fill: MUTED, text: l }));
  });
  labels.forEach((l, i) => {
    if (!totals[i]) return;
    const g = s('g', { class: 'stack', dataset: { i: String(i), total: String(totals[i]) } });
    let acc = 0;
    for (const x of series) {
      const v = x.values[i] || 0;
      if (!v) continue;
      g.append(s('rect', { x: cx(i) - barW / 2, y: y(acc + v), width: barW, height: Math.max(1, y(acc) - y(acc + v)), fill: x.colour, dataset: { series: x.id } },
        tip(`${l} ${x.name}: ${v}`)));
      acc += v;
    }
    svg.append(g);
  });
  if (line) {
    let d = '';
    let pen = false;
    line.values.forEach((v, i) => {
      if (v === null || v === undefined) { pen = false; return; }
      d += `${pen ? 'L' : 'M'}${cx(i).toFixed(1)},${y(v).toFixed(1)}`;
      pen = true;
    });
    if (d) svg.append(s('path', { d, fill: 'none', stroke: line.colour, 'stroke-width': 2.5, 'stroke-linejoin': 'round', class: 'line' }));
    line.values.forEach((v, i) => {
      if (v === null || v === undefined) return;
      svg.append(s('circle', { cx: cx(i), cy: y(v), r: n > 40 ? 1.8 : 3, fill: line.colour, class: 'point' }, tip(`${labels[i]} ${line.name}: ${v}`)));
    });
  }
  return svg;
}

// A legend under a chart: coloured squares (or a line) with names.
export function legend(items) {
  return h('div', { class: 'chart-legend' }, items.map((x) => h('span', { class: 'legend-item' },
    h('i', { class: x.line ? 'line' : null, style: { background: x.colour } }), x.name)));
}
