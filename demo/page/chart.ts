import type { CallQualityReport } from 'callstate';

const SVG = 'http://www.w3.org/2000/svg';
const WIDTH = 600;
const HEIGHT = 120;
const PAD = { left: 40, right: 44, top: 10, bottom: 18 };
const KEEP = 30;

function svg<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number> = {}): SVGElementTagNameMap[K] {
  const element = document.createElementNS(SVG, tag);
  for (const [key, value] of Object.entries(attrs)) element.setAttribute(key, String(value));
  return element;
}

/**
 * A small live chart of a call's quality: MOS (left axis, 1–4.5) as a line, jitter (ms) as a line and
 * received-packet loss (%) as bars (right axis, 0 to the larger of 30 and the highest value seen).
 */
export class QualityChart {
  readonly element: SVGSVGElement;
  private readonly reports: CallQualityReport[] = [];
  private readonly mosLine = svg('polyline', { class: 'mos', fill: 'none' });
  private readonly jitterLine = svg('polyline', { class: 'jitter', fill: 'none' });
  private readonly lossBars = svg('g', { class: 'loss' });
  private readonly mosDots = svg('g', { class: 'mos-dots' });
  private readonly rightLabel = svg('text', { x: WIDTH - 2, y: PAD.top + 8, 'text-anchor': 'end', class: 'axis' });
  private readonly empty = svg('text', { x: WIDTH / 2, y: HEIGHT / 2 + 4, 'text-anchor': 'middle', class: 'axis' });

  constructor() {
    this.element = svg('svg', { viewBox: `0 0 ${WIDTH} ${HEIGHT}`, class: 'chart', role: 'img' });
    const title = svg('title');
    title.textContent = 'Call quality: MOS, jitter and loss over time';
    const frame = svg('rect', { x: PAD.left, y: PAD.top, width: WIDTH - PAD.left - PAD.right, height: HEIGHT - PAD.top - PAD.bottom, class: 'frame' });
    const mosTop = svg('text', { x: 2, y: PAD.top + 8, class: 'axis' });
    mosTop.textContent = 'MOS 4.5';
    const mosBottom = svg('text', { x: 2, y: HEIGHT - PAD.bottom, class: 'axis' });
    mosBottom.textContent = 'MOS 1';
    const rightUnit = svg('text', { x: WIDTH - 2, y: HEIGHT - PAD.bottom, 'text-anchor': 'end', class: 'axis' });
    rightUnit.textContent = '0 ms / %';
    const legend = svg('text', { x: PAD.left, y: HEIGHT - 4, class: 'legend' });
    legend.textContent = 'blue: MOS (1–4.5, left) · orange: jitter in ms · red bars: packet loss in % (right axis) · one point per report';
    this.empty.textContent = 'waiting for the first report…';
    this.element.append(title, frame, this.lossBars, this.mosLine, this.jitterLine, this.mosDots, mosTop, mosBottom, this.rightLabel, rightUnit, legend, this.empty);
    this.draw();
  }

  push(report: CallQualityReport): void {
    this.reports.push(report);
    if (this.reports.length > KEEP) this.reports.shift();
    this.draw();
  }

  get count(): number {
    return this.reports.length;
  }

  private draw(): void {
    const w = WIDTH - PAD.left - PAD.right;
    const hgt = HEIGHT - PAD.top - PAD.bottom;
    const span = Math.max(this.reports.length, 10) - 1; // fills up over the first ten reports, then scrolls
    const x = (i: number) => PAD.left + 4 + (i / span) * (w - 8);
    const yMos = (mos: number) => PAD.top + hgt - ((Math.min(4.5, Math.max(1, mos)) - 1) / 3.5) * hgt;
    const rightMax = Math.max(30, ...this.reports.map((r) => Math.max(r.jitterMs ?? 0, r.lossPercent ?? 0)));
    const yRight = (value: number) => PAD.top + hgt - (Math.min(rightMax, Math.max(0, value)) / rightMax) * hgt;
    this.rightLabel.textContent = `${Math.round(rightMax)} ms / %`;
    this.empty.style.display = this.reports.length === 0 ? '' : 'none';
    this.mosLine.setAttribute('points', this.reports.flatMap((r, i) => (r.mos === null ? [] : [`${x(i)},${yMos(r.mos)}`])).join(' '));
    this.jitterLine.setAttribute('points', this.reports.flatMap((r, i) => (r.jitterMs === null ? [] : [`${x(i)},${yRight(r.jitterMs)}`])).join(' '));
    this.mosDots.replaceChildren(
      ...this.reports.flatMap((r, i) => (r.mos === null ? [] : [svg('circle', { cx: x(i), cy: yMos(r.mos), r: 2 })])),
    );
    this.lossBars.replaceChildren(
      ...this.reports.flatMap((r, i) => {
        if (!r.lossPercent) return [];
        const top = yRight(r.lossPercent);
        return [svg('rect', { x: x(i) - 2, y: top, width: 4, height: PAD.top + hgt - top })];
      }),
    );
  }
}
