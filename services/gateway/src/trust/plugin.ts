import fastifyAuth from '@fastify/auth'
import cors from '@fastify/cors'
import helmet from '@fastify/helmet'
import rateLimit from '@fastify/rate-limit'
import { HttpProblem } from '@ree/platform'
import type { FastifyInstance, FastifyRequest, RouteOptions } from 'fastify'
import fp from 'fastify-plugin'
import { type KeyStore, type Principal, type Role, roleAllows } from './apiKeys.ts'

declare module 'fastify' {
  interface FastifyRequest {
    /** The key's principal; undefined when no key was sent, null when the key is not known. */
    principal: Principal | null | undefined
  }
}

/** `public`: anyone (docs, specs, health); `read`: anyone, or `reader` keys when reads are closed. */
export type Access = 'public' | 'read' | Role

export interface TrustOptions {
  keys: KeyStore
  /** `open`: reads need no key; `reader`: every read needs a key. */
  reads: 'open' | 'reader'
  /** Requests per minute for one key, and for one address sending no key. */
  rateLimit: { perKey: number; perAddress: number }
  /** Origins browsers may call the API from; empty: CORS is off. */
  corsOrigins: string[]
  /** Principals no rate limit applies to (the in-process seed loader). */
  unlimited?: ReadonlySet<string>
}

/** The longest request URL answered; longer ones are a 414 (Node alone would take up to 16 KiB). */
const MAX_URL_LENGTH = 4096

/** The tags of the admin surface. */
const adminTags = ['Operations', 'Admin']

/**
 * Documented routes under the Operations and Admin tags are the admin surface; other documented
 * reads are `read`, other methods are commands (`editor`); undocumented routes (docs,
 * specs, health, problem pages) are public.
 */
export function accessOf(route: Pick<RouteOptions, 'method' | 'schema'>): Access {
  const schema = route.schema as { hide?: boolean; tags?: string[] } | undefined
  if (!schema || schema.hide) return 'public'
  if (schema.tags?.some((tag) => adminTags.includes(tag))) return 'admin'
  const methods = [route.method].flat()
  return methods.every((method) => method === 'GET' || method === 'HEAD') ? 'read' : 'editor'
}

function bearerKey(request: FastifyRequest): string | undefined | null {
  const header = request.headers.authorization
  if (header === undefined) return undefined
  const match = /^Bearer ([\x21-\x7e]{1,200})$/i.exec(header)
  return match?.[1] ?? null
}

const challenge = { 'www-authenticate': 'Bearer realm="rare-earth-ledger"' }

/**
 * API keys and roles (checked through @fastify/auth), rate limits per key and per
 * address, security headers, CORS, and a bound on the URL. Register before the routes:
 * it reads each route as it is added.
 */
export const trustPlugin = fp(
  async function trust(app: FastifyInstance, options: TrustOptions) {
    await app.register(helmet, {
      // Swagger UI at /docs loads its own scripts and styles, and inlines its OAuth redirect page.
      contentSecurityPolicy: {
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          styleSrc: ["'self'", "'unsafe-inline'"],
          imgSrc: ["'self'", 'data:'],
          // The embedded default answers plain HTTP on localhost: upgrading would break /docs there.
          upgradeInsecureRequests: null,
        },
      },
    })
    if (options.corsOrigins.length > 0) {
      await app.register(cors, {
        origin: options.corsOrigins,
        methods: ['GET', 'HEAD', 'POST'],
        allowedHeaders: [
          'authorization',
          'content-type',
          'if-match',
          'idempotency-key',
          'x-correlation-id',
          'traceparent',
        ],
        exposedHeaders: ['etag', 'location', 'idempotent-replayed', 'retry-after'],
        maxAge: 600,
      })
    }
    await app.register(fastifyAuth)
    app.decorateRequest('principal', undefined)
    app.addHook('onRequest', async (request) => {
      if (request.url.length > MAX_URL_LENGTH) {
        throw new HttpProblem(
          'uri-too-long',
          `the URL is ${request.url.length} characters; at most ${MAX_URL_LENGTH} are read`,
        )
      }
      const key = bearerKey(request)
      request.principal = key === undefined ? undefined : key === null ? null : (options.keys.find(key) ?? null)
    })
    await app.register(rateLimit, {
      timeWindow: 60_000,
      keyGenerator: (request) => (request.principal ? `key:${request.principal.name}` : `address:${request.ip}`),
      max: (_request, key) => (key.startsWith('key:') ? options.rateLimit.perKey : options.rateLimit.perAddress),
      allowList: (request) => !!request.principal && !!options.unlimited?.has(request.principal.name),
      errorResponseBuilder: (_request, context) =>
        new HttpProblem('rate-limited', `more than ${context.max} requests in a minute; retry in ${context.after}`, {
          headers: { 'retry-after': String(Math.max(1, Math.ceil(context.ttl / 1000))) },
        }),
    })
    const reads = options.reads
    app.addHook('onRoute', (route) => {
      const access = accessOf(route)
      if (access === 'public') return
      const check = app.auth([async (request: FastifyRequest) => authorize(request.principal, access, reads)])
      route.onRequest = [route.onRequest ?? []].flat().concat(check)
    })
  },
  { name: 'ree-trust' },
)

function authorize(principal: Principal | null | undefined, access: Exclude<Access, 'public'>, reads: string): void {
  if (principal === null) {
    throw new HttpProblem('unauthorized', 'the API key sent is not known (mistyped, or revoked)', {
      headers: challenge,
    })
  }
  const needed: Role = access === 'read' ? 'reader' : access
  if (principal === undefined) {
    if (access === 'read' && reads === 'open') return
    throw new HttpProblem(
      'unauthorized',
      `this route needs an API key of role ${needed}: send Authorization: Bearer <key>`,
      {
        headers: challenge,
      },
    )
  }
  if (!roleAllows(principal.role, needed)) {
    throw new HttpProblem(
      'forbidden',
      `this route needs a key of role ${needed}; key "${principal.name}" is ${principal.role}`,
    )
  }
}
