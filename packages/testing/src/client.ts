import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify'

export interface Client {
  inject(options: string | InjectOptions): Promise<LightMyRequestResponse>
}

/** The app as a client holding an API key sees it: every request carries `Authorization: Bearer <key>`. */
export function withApiKey(app: FastifyInstance, key: string): Client {
  const authorization = `Bearer ${key}`
  return {
    inject: (options) =>
      app.inject(
        typeof options === 'string'
          ? { url: options, headers: { authorization } }
          : { ...options, headers: { authorization, ...options.headers } },
      ),
  }
}
