import type { CaptionOptions } from '@vidflow/contracts';
import { CAPTION_PRESET_MODES } from '@vidflow/contracts/workflow';

export type CaptionPreset = CaptionOptions['preset'];

/** Every caption setting worked out for one frame size: what the ASS builder draws. Sizes are output pixels. */
export interface ResolvedCaptionStyle {
  mode: 'phrase' | 'word';
  /** word: only the spoken word is in highlightColor; fill: every word spoken so far in the cue stays highlighted. */
  highlight: 'word' | 'fill';
  font: string;
  bold: boolean;
  fontSize: number;
  color: string;
  highlightColor: string;
  outlineColor: string;
  outlineWidth: number;
  shadow: number;
  box: boolean;
  boxColor: string;
  position: 'bottom' | 'middle' | 'top';
  /** Distance of the text block from the top or bottom edge (unused in the middle). */
  margin: number;
  /** Left and right margin: libass wraps a line that would run into it. */
  marginH: number;
  maxWordsPerLine: number;
  lines: number;
  uppercase: boolean;
  /** The longest line in graphemes that fits between the side margins at this size (an estimate from the font size). */
  maxChars: number;
}

/** A preset as fractions of the frame's shorter side, so one preset suits 9:16, 1:1 and 16:9 at any height. */
interface PresetDefinition {
  mode: 'phrase' | 'word';
  highlight: 'word' | 'fill';
  font: string;
  bold: boolean;
  size: number;
  color: string;
  highlightColor: string;
  outlineColor: string;
  outline: number;
  shadow: number;
  box: boolean;
  boxColor: string;
  maxWordsPerLine: number;
  lines: number;
  uppercase: boolean;
}

/**
 * The presets. `bold` is the default: what short-video apps show (large heavy upper-case words, a thick
 * black outline, the spoken word in yellow, two or three words a line). `karaoke` fills the line word by
 * word as it is sung; `clean` is quiet subtitles; `boxed` sets the text on a dark box for busy backgrounds.
 */
export const CAPTION_PRESETS: Record<CaptionPreset, PresetDefinition> = {
  clean: {
    mode: CAPTION_PRESET_MODES.clean, highlight: 'word', font: 'Noto Sans', bold: false, size: 0.058, color: '#ffffff', highlightColor: '#ffd400',
    outlineColor: '#000000', outline: 0.004, shadow: 0.003, box: false, boxColor: '#000000', maxWordsPerLine: 7, lines: 2, uppercase: false,
  },
  bold: {
    mode: CAPTION_PRESET_MODES.bold, highlight: 'word', font: 'Noto Sans', bold: true, size: 0.088, color: '#ffffff', highlightColor: '#ffd400',
    outlineColor: '#000000', outline: 0.01, shadow: 0.004, box: false, boxColor: '#000000', maxWordsPerLine: 3, lines: 2, uppercase: true,
  },
  karaoke: {
    mode: CAPTION_PRESET_MODES.karaoke, highlight: 'fill', font: 'Noto Sans', bold: true, size: 0.075, color: '#ffffff', highlightColor: '#00e0ff',
    outlineColor: '#101010', outline: 0.008, shadow: 0.004, box: false, boxColor: '#000000', maxWordsPerLine: 4, lines: 2, uppercase: false,
  },
  boxed: {
    mode: CAPTION_PRESET_MODES.boxed, highlight: 'word', font: 'Noto Sans', bold: true, size: 0.066, color: '#ffffff', highlightColor: '#ffd400',
    outlineColor: '#000000', outline: 0.014, shadow: 0, box: true, boxColor: '#000000', maxWordsPerLine: 5, lines: 2, uppercase: false,
  },
};

/** Average advance of a glyph as a fraction of the font size (Noto Sans; capitals and bold are wider). */
function glyphWidth(bold: boolean, uppercase: boolean): number {
  return 0.52 + (bold ? 0.05 : 0) + (uppercase ? 0.1 : 0);
}

/**
 * The request's caption options on top of their preset, for a frame. Unset sizes come from the frame's shorter
 * side; the bottom margin of a portrait frame keeps the text above the fifth that phone apps cover with buttons
 * (the lower third, centred).
 */
export function resolveCaptionStyle(options: Partial<CaptionOptions> | undefined, frame: { width: number; height: number }): ResolvedCaptionStyle {
  const o = options ?? {};
  const p = CAPTION_PRESETS[o.preset ?? 'bold'];
  const short = Math.min(frame.width, frame.height);
  const portrait = frame.height > frame.width;
  const position = o.position ?? 'bottom';
  const px = (f: number) => Math.round(short * f);
  const fontSize = o.size ?? px(p.size);
  const bold = p.bold;
  const uppercase = o.uppercase ?? p.uppercase;
  const marginH = Math.round(frame.width * 0.07);
  const defaultMargin = Math.round(frame.height * (position === 'bottom' ? (portrait ? 0.22 : 0.08) : portrait ? 0.12 : 0.07));
  const outlineWidth = o.outlineWidth ?? Math.max(1, px(p.outline));
  return {
    mode: o.mode ?? p.mode,
    highlight: p.highlight,
    font: o.font ?? p.font,
    bold,
    fontSize,
    color: o.color ?? p.color,
    highlightColor: o.highlightColor ?? p.highlightColor,
    outlineColor: o.outlineColor ?? p.outlineColor,
    outlineWidth,
    shadow: o.shadow ?? px(p.shadow),
    box: o.box ?? p.box,
    boxColor: o.boxColor ?? p.boxColor,
    position,
    margin: o.margin ?? defaultMargin,
    marginH,
    maxWordsPerLine: o.maxWordsPerLine ?? p.maxWordsPerLine,
    lines: o.lines ?? p.lines,
    uppercase,
    maxChars: Math.max(4, Math.floor((frame.width - 2 * marginH - 2 * outlineWidth) / (fontSize * glyphWidth(bold, uppercase)))),
  };
}
