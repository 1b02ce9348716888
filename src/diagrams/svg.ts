import { instance } from '@viz-js/viz';
import type { Viz } from '@viz-js/viz';

let viz: Promise<Viz> | null = null;

const FONT_FAMILY = 'Verdana,DejaVu Sans,Arial,Helvetica,sans-serif';

/**
 * Renders DOT to SVG with Graphviz compiled to WebAssembly (`@viz-js/viz`, a devDependency): no
 * browser, no `dot` binary. The WASM module is loaded once and reused.
 *
 * @param dot - Graphviz DOT source, e.g. from {@link toDot}
 * @returns the SVG document, ending with a newline
 * @throws when Graphviz reports an error (including warnings about the graph, which are treated as errors)
 */
export async function renderSvg(dot: string): Promise<string> {
  viz ??= instance();
  const result = (await viz).render(dot, { format: 'svg' });
  const problems = result.errors.map((e) => `${e.level ?? 'error'}: ${e.message}`);
  if (result.status !== 'success' || problems.length > 0) throw new Error(`Graphviz: ${problems.join('; ') || 'render failed'}`);
  // Graphviz sizes text with Verdana's metrics (wide, so text fits in any sans-serif); name fallbacks
  // for viewers without Verdana, or they would fall back to a serif font.
  const svg = result.output.replace(/font-family="Verdana"/g, `font-family="${FONT_FAMILY}"`);
  return svg.endsWith('\n') ? svg : `${svg}\n`;
}
