import { encodeCode128 } from '@cgtlink/domain/isbt128/code128';

/**
 * A Code 128 symbol drawn as SVG bars from the domain encoder (ISO/IEC 15417), with the 10-module quiet zones
 * a scanner needs on each side. Printed at 0.25 mm a module (ISBT 128 labels use 0.17–0.25 mm), so that a
 * 14-character DIN symbol stays under 50 mm wide.
 */
export function Code128Barcode({
  text,
  caption,
  testId,
  moduleMm = 0.25,
  heightMm = 10,
}: {
  text: string;
  caption?: string;
  testId?: string;
  moduleMm?: number;
  heightMm?: number;
}) {
  const symbol = encodeCode128(text);
  const quiet = 10;
  const total = symbol.modules + 2 * quiet;
  const bars: { x: number; w: number }[] = [];
  let x = quiet;
  symbol.widths.forEach((w, i) => {
    if (i % 2 === 0) bars.push({ x, w });
    x += w;
  });
  return (
    <figure style={{ margin: 0, display: 'inline-block', textAlign: 'center' }}>
      <svg
        role="img"
        aria-label={text}
        data-testid={testId}
        data-text={text}
        data-widths={symbol.widths.join('')}
        width={`${total * moduleMm}mm`}
        height={`${heightMm}mm`}
        viewBox={`0 0 ${total} 40`}
        preserveAspectRatio="none"
        shapeRendering="crispEdges"
      >
        <rect x={0} y={0} width={total} height={40} fill="#fff" />
        {bars.map((b) => (
          <rect key={b.x} x={b.x} y={0} width={b.w} height={40} fill="#000" />
        ))}
      </svg>
      <figcaption style={{ fontFamily: 'monospace', fontSize: 11 }}>{caption ?? text}</figcaption>
    </figure>
  );
}
