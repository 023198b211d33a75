// The specialists' web UI: plain ES modules from src/web/ plus Preact+htm from node_modules, served
// as they are (no build step, no CDN). Static files need no session; every /api/ call they make does.
// Any other GET that is not an API path (in any spelling) answers index.html, so the SPA's own routes survive a reload.
import path from 'node:path'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import fastifyStatic from '@fastify/static'
import { decodedPath } from './auth.js'

export interface WebRoutesOptions {
  /** the project root (PROJECT_ROOT of app.ts): src/web and node_modules are found from it */
  root: string
}

const NOT_SPA = /^\/+(api|ws|health|vendor)(\/|$)/i

// The page loads only its own files and talks only to its own origin (the journal holds personal data)
const CSP = "default-src 'self'; img-src 'self' data:; media-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

export async function webRoutes (app: FastifyInstance, opts: WebRoutesOptions): Promise<void> {
  const webDir = path.join(opts.root, 'src', 'web')
  const preactDir = path.join(opts.root, 'node_modules', 'htm', 'preact')
  // every route of this plugin (the static files' too) is public: the log-in page is one of them
  app.addHook('onRoute', (route) => { route.config = { ...route.config, access: 'public' } })

  await app.register(fastifyStatic, {
    root: webDir,
    prefix: '/',
    wildcard: false, // one route per file found at start: unknown paths fall through to the SPA below
    index: false,
    cacheControl: true,
    maxAge: 0, // revalidate with ETag / Last-Modified: a new release is seen at once, unchanged files cost a 304
    schemaHide: true
  })

  // Preact + htm in one 13 kB ES module (the package's own build)
  app.get('/vendor/preact.js', { schema: { hide: true } }, async (_req, reply) =>
    await reply.header('cache-control', 'public, max-age=86400').sendFile('standalone.module.js', preactDir))

  // Chart.js's UMD build (it sets window.Chart; its ES build imports a bare specifier a browser cannot resolve)
  app.get('/vendor/chart.js', { schema: { hide: true } }, async (_req, reply) =>
    await reply.header('cache-control', 'public, max-age=86400').type('text/javascript; charset=utf-8').sendFile('chart.umd.min.js', path.join(opts.root, 'node_modules', 'chart.js', 'dist')))

  const spa = async (req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => {
    const p = decodedPath(req.url)
    if (NOT_SPA.test(p) || path.extname(p) !== '') return await reply.callNotFound() as unknown as FastifyReply
    return await reply
      .header('cache-control', 'no-cache')
      .header('content-security-policy', CSP)
      .type('text/html; charset=utf-8')
      .sendFile('index.html', webDir)
  }
  app.get('/', { schema: { hide: true } }, spa)
  app.get('/*', { schema: { hide: true }, config: { uiFallback: true } }, spa)
}

