/**
 * Generates the two Teams app icons in appPackage/ without any image tooling:
 * shapes are rasterised in plain TypeScript and written as PNG with node:zlib.
 *
 *   npx tsx scripts/make-icons.ts
 *
 * - color.png   192×192, opaque, full-bleed accent-colour square (Teams applies its own
 *               rounded mask) with a white "cycle arrow" mark inside the 120×120 safe area.
 * - outline.png 32×32, transparent background, the same mark in pure white (#FFFFFF);
 *               anti-aliasing is done with alpha only, so every pixel stays white.
 *
 * The mark is a ring with a gap on the right and an arrowhead on its upper end (a "C" that
 * reads as a PDCA cycle), with a dot in the middle for the beat of the cadence.
 * The output is deterministic; the app-package test checks that the committed PNGs match it.
 */
import { writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { deflateSync } from "node:zlib";

/** Must equal `accentColor` in appPackage/manifest.json (the test checks this). */
export const ACCENT_COLOR = "#1B6E7E";

export const COLOR_ICON_SIZE = 192;
export const OUTLINE_ICON_SIZE = 32;

// ---------------------------------------------------------------------------------------------
// CRC-32 (PNG chunks and zip entries use the same polynomial)
// ---------------------------------------------------------------------------------------------

const CRC_TABLE: Uint32Array = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

export function crc32(data: Uint8Array): number {
  let crc = 0xffffffff;
  for (let i = 0; i < data.length; i++) {
    crc = (CRC_TABLE[(crc ^ data[i]!) & 0xff]! ^ (crc >>> 8)) >>> 0;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

// ---------------------------------------------------------------------------------------------
// PNG encoder (8-bit, non-interlaced, filter type 0 on every row)
// ---------------------------------------------------------------------------------------------

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function pngChunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const typeAndData = Buffer.concat([Buffer.from(type, "ascii"), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typeAndData));
  return Buffer.concat([length, typeAndData, crc]);
}

/**
 * Encodes raw pixels as PNG. `channels` 3 = RGB (colour type 2), 4 = RGBA (colour type 6).
 * `pixels` holds width*height*channels bytes, row by row.
 */
export function encodePng(width: number, height: number, channels: 3 | 4, pixels: Uint8Array): Buffer {
  if (pixels.length !== width * height * channels) {
    throw new Error(`expected ${width * height * channels} bytes of pixel data, got ${pixels.length}`);
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = channels === 4 ? 6 : 2; // colour type
  ihdr[10] = 0; // compression: deflate
  ihdr[11] = 0; // filter method 0
  ihdr[12] = 0; // no interlace

  const stride = width * channels;
  const raw = Buffer.alloc((stride + 1) * height);
  for (let y = 0; y < height; y++) {
    raw[y * (stride + 1)] = 0; // filter type "None"
    raw.set(pixels.subarray(y * stride, (y + 1) * stride), y * (stride + 1) + 1);
  }
  return Buffer.concat([
    PNG_SIGNATURE,
    pngChunk("IHDR", ihdr),
    pngChunk("IDAT", deflateSync(raw, { level: 9 })),
    pngChunk("IEND", Buffer.alloc(0)),
  ]);
}

// ---------------------------------------------------------------------------------------------
// The mark, in its own coordinate system: origin in the centre, y pointing up,
// the ring's outer radius is 50 and nothing reaches further than 60 from the centre.
// ---------------------------------------------------------------------------------------------

const MARK_EXTENT = 60;
const RING_OUTER = 50;
const RING_INNER = 36;
const DOT_RADIUS = 12;
/** The gap of the "C" runs from -45° to +30° (0° = pointing right, counter-clockwise positive). */
const GAP_FROM_DEG = -45;
const GAP_TO_DEG = 30;

type Point = readonly [number, number];

/** Arrowhead on the upper end of the ring (at +30°), pointing clockwise into the gap. */
const ARROW: readonly [Point, Point, Point] = (() => {
  const a = (GAP_TO_DEG * Math.PI) / 180;
  const radial: Point = [Math.cos(a), Math.sin(a)];
  const clockwise: Point = [Math.sin(a), -Math.cos(a)];
  const mid = (RING_OUTER + RING_INNER) / 2;
  const halfBase = 15;
  const length = 21;
  const base1: Point = [radial[0] * (mid - halfBase), radial[1] * (mid - halfBase)];
  const base2: Point = [radial[0] * (mid + halfBase), radial[1] * (mid + halfBase)];
  const tip: Point = [radial[0] * mid + clockwise[0] * length, radial[1] * mid + clockwise[1] * length];
  return [base1, base2, tip];
})();

function inTriangle(p: Point, [a, b, c]: readonly [Point, Point, Point]): boolean {
  const side = (u: Point, v: Point): number => (p[0] - v[0]) * (u[1] - v[1]) - (u[0] - v[0]) * (p[1] - v[1]);
  const d1 = side(a, b);
  const d2 = side(b, c);
  const d3 = side(c, a);
  const hasNeg = d1 < 0 || d2 < 0 || d3 < 0;
  const hasPos = d1 > 0 || d2 > 0 || d3 > 0;
  return !(hasNeg && hasPos);
}

/** Whether a point (mark coordinates) is covered by the mark. */
export function markCovers(x: number, y: number): boolean {
  const r = Math.hypot(x, y);
  if (r <= DOT_RADIUS) return true;
  if (r >= RING_INNER && r <= RING_OUTER) {
    const deg = (Math.atan2(y, x) * 180) / Math.PI; // -180..180
    if (!(deg > GAP_FROM_DEG && deg < GAP_TO_DEG)) return true;
  }
  return inTriangle([x, y], ARROW);
}

/**
 * Coverage (0..1) of the mark for every pixel of a size×size canvas, with the mark's
 * extent (radius 60) mapped onto `markPixels / 2` pixels around the centre.
 * 4×4 supersampling per pixel gives smooth edges.
 */
function rasteriseMark(size: number, markPixels: number): Float64Array {
  const samples = 4;
  const scale = (2 * MARK_EXTENT) / markPixels; // mark units per pixel
  const coverage = new Float64Array(size * size);
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let hits = 0;
      for (let sy = 0; sy < samples; sy++) {
        for (let sx = 0; sx < samples; sx++) {
          const cx = px + (sx + 0.5) / samples - size / 2;
          const cy = py + (sy + 0.5) / samples - size / 2;
          if (markCovers(cx * scale, -cy * scale)) hits++;
        }
      }
      coverage[py * size + px] = hits / (samples * samples);
    }
  }
  return coverage;
}

function hexToRgb(hex: string): [number, number, number] {
  const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex);
  if (!m) throw new Error(`not a #rrggbb colour: ${hex}`);
  return [parseInt(m[1]!, 16), parseInt(m[2]!, 16), parseInt(m[3]!, 16)];
}

/** 192×192 opaque RGB: accent background, white mark inside the central 120×120 safe area. */
export function renderColorIcon(): Buffer {
  const size = COLOR_ICON_SIZE;
  const coverage = rasteriseMark(size, 120);
  const bg = hexToRgb(ACCENT_COLOR);
  const pixels = new Uint8Array(size * size * 3);
  for (let i = 0; i < size * size; i++) {
    const c = coverage[i]!;
    for (let ch = 0; ch < 3; ch++) {
      pixels[i * 3 + ch] = Math.round(bg[ch]! * (1 - c) + 255 * c);
    }
  }
  return encodePng(size, size, 3, pixels);
}

/** 32×32 RGBA: transparent background, the mark in pure white; edges use alpha only. */
export function renderOutlineIcon(): Buffer {
  const size = OUTLINE_ICON_SIZE;
  const coverage = rasteriseMark(size, 30);
  const pixels = new Uint8Array(size * size * 4);
  for (let i = 0; i < size * size; i++) {
    pixels[i * 4] = 255;
    pixels[i * 4 + 1] = 255;
    pixels[i * 4 + 2] = 255;
    pixels[i * 4 + 3] = Math.round(coverage[i]! * 255);
  }
  return encodePng(size, size, 4, pixels);
}

export const APP_PACKAGE_DIR = join(dirname(fileURLToPath(import.meta.url)), "..", "appPackage");

export function writeIcons(dir: string = APP_PACKAGE_DIR): string[] {
  const written = [join(dir, "color.png"), join(dir, "outline.png")] as const;
  writeFileSync(written[0], renderColorIcon());
  writeFileSync(written[1], renderOutlineIcon());
  return [...written];
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  for (const file of writeIcons()) console.log(`wrote ${file}`);
}
