// The journal's fonts come with an npm package (DejaVu: full Cyrillic, a licence that allows
// embedding), never from the machine, so every server prints the same document.
import { createRequire } from 'node:module'
import path from 'node:path'

const require = createRequire(import.meta.url)
const dir = path.join(path.dirname(require.resolve('dejavu-fonts-ttf/package.json')), 'ttf')

export const FONTS = {
  regular: path.join(dir, 'DejaVuSansCondensed.ttf'),
  bold: path.join(dir, 'DejaVuSansCondensed-Bold.ttf')
} as const
