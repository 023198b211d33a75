// Line breaking for the printed tables: a text is cut into lines that fit a column, at spaces,
// and a word longer than the column at characters, so nothing is ever cut off. Pure: the width of
// a string comes from the caller (the PDF font's metrics).

export type MeasureWidth = (text: string) => number

/**
 * A line's width is the sum of its words' and spaces' widths (so each word is measured once, and a
 * caller's cache works); kerning across a space is below a hundredth of a point in the fonts used.
 */
export function wrapText (text: string, width: number, measure: MeasureWidth): string[] {
  const lines: string[] = []
  const space = measure(' ')
  for (const paragraph of text.replace(/\r\n?/g, '\n').split('\n')) {
    const words = paragraph.split(/[ \t]+/).filter((w) => w !== '')
    let line = ''
    let lineWidth = 0
    for (const word of words) {
      const w = measure(word)
      const candidate = line === '' ? w : lineWidth + space + w
      if (candidate <= width) { line = line === '' ? word : `${line} ${word}`; lineWidth = candidate; continue }
      if (line !== '') lines.push(line)
      line = ''
      // a word wider than the column: as many characters per line as fit
      let rest = word
      while (measure(rest) > width) {
        let n = 1
        while (n < rest.length && measure(rest.slice(0, n + 1)) <= width) n++
        lines.push(rest.slice(0, n))
        rest = rest.slice(n)
      }
      line = rest
      lineWidth = measure(rest)
    }
    lines.push(line)
  }
  // trailing empty paragraphs print nothing
  while (lines.length > 1 && lines[lines.length - 1] === '') lines.pop()
  return lines.length === 1 && lines[0] === '' ? [] : lines
}
