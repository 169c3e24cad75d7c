import type { CaptionCue } from './build-caption-cues';

export interface CaptionStyle {
  width: number;
  height: number;
  /** Font family; fontconfig falls back per glyph (Noto CJK, Arabic, Hebrew, emoji) when it lacks one. */
  font?: string;
}

/** Caption layout for a frame: sizes in pixels, derived from the frame so they read on a phone. */
export function captionLayout(width: number, height: number) {
  const portrait = height > width;
  const short = Math.min(width, height);
  return {
    fontSize: Math.round(short * (portrait ? 0.068 : 0.06)),
    outline: Math.max(2, Math.round(short * 0.006)),
    marginH: Math.round(width * 0.08),
    // Portrait videos are watched in apps that overlay buttons and text on the bottom fifth.
    marginV: Math.round(height * (portrait ? 0.2 : 0.08)),
    maxChars: portrait ? 28 : 42,
  };
}

/**
 * The head of an ASS script for a frame of `width` x `height` (PlayResX/Y: coordinates in output pixels) with one
 * style (the fields of its `Style:` line, name first), up to the `[Events]` section's Format line.
 */
export function assScriptHead(width: number, height: number, style: string): string[] {
  return [
    '[Script Info]',
    'ScriptType: v4.00+',
    `PlayResX: ${width}`,
    `PlayResY: ${height}`,
    'WrapStyle: 0',
    'ScaledBorderAndShadow: yes',
    'YCbCr Matrix: TV.709',
    '',
    '[V4+ Styles]',
    'Format: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, OutlineColour, BackColour, Bold, Italic, Underline, StrikeOut, ScaleX, ScaleY, Spacing, Angle, BorderStyle, Outline, Shadow, Alignment, MarginL, MarginR, MarginV, Encoding',
    `Style: ${style}`,
    '',
    '[Events]',
    'Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text',
  ];
}

/**
 * Renders cues as an ASS script for ffmpeg's `subtitles` filter (libass). Coordinates are in output
 * pixels (PlayResX/Y = frame size). libass shapes complex scripts with HarfBuzz and reorders
 * right-to-left text with FriBidi; `Encoding: -1` asks it to detect each line's base direction.
 */
export function buildAssSubtitles(cues: CaptionCue[], style: CaptionStyle): string {
  const l = captionLayout(style.width, style.height);
  const font = style.font ?? 'Noto Sans';
  const lines = [
    ...assScriptHead(
      style.width,
      style.height,
      `Caption,${font},${l.fontSize},&H00FFFFFF,&H00FFFFFF,&H00000000,&H96000000,-1,0,0,0,100,100,0,0,1,${l.outline},${Math.round(l.outline / 2)},2,${l.marginH},${l.marginH},${l.marginV},-1`,
    ),
    ...cues.map((c) => `Dialogue: 0,${assTime(c.start)},${assTime(c.end)},Caption,,0,0,0,,${escapeAssText(c.text)}`),
  ];
  return lines.join('\n') + '\n';
}

/** `H:MM:SS.cc`, the only time format ASS accepts. */
export function assTime(seconds: number): string {
  const cs = Math.max(0, Math.round(seconds * 100));
  const h = Math.floor(cs / 360000);
  const m = Math.floor((cs % 360000) / 6000);
  const s = Math.floor((cs % 6000) / 100);
  const c = cs % 100;
  return `${h}:${pad(m)}:${pad(s)}.${pad(c)}`;
}

/**
 * User text must not act as ASS markup: `{...}` starts an override block and `\N`, `\h` are escapes.
 * libass prints `\{` and `\}` as literal braces; a backslash is shown as the fullwidth reverse solidus
 * because ASS has no escape for a lone backslash. Line breaks become spaces (libass wraps by itself).
 */
export function escapeAssText(text: string): string {
  return text
    .replace(/\\/g, '\uFF3C')
    .replace(/[{}]/g, (c) => `\\${c}`)
    .replace(/\s+/g, ' ')
    .trim();
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}
