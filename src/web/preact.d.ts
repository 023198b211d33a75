// Types of what the browser imports from the service's own /vendor/preact.js (htm/preact/standalone,
// no build step): only the parts the UI uses; tsconfig.web.json maps the import here.
export type VNode = object
export const html: (strings: TemplateStringsArray, ...values: unknown[]) => VNode
export function render (tree: VNode, parent: Element | null): void
export function useState<T> (initial: T | (() => T)): [T, (next: T | ((previous: T) => T)) => void]
export function useEffect (effect: () => void | (() => void), deps?: readonly unknown[]): void
export function useRef<T> (initial: T): { current: T }
