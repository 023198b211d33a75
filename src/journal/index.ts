// The journal's public surface: vocabulary, entry shape, the rules of SPEC §1.
export * from './vocabulary.js'
export * from './entry.js'
export * from './status.js'
export * from './rules.js'
export * from './deadline.js'
export * from './history.js'
export * from './phone.js'
export * from './history-lines.js'
