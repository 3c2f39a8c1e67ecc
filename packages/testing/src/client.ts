import { createHash, randomBytes } from 'node:crypto'
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

/**
 * An editor and an admin key for a gateway started as its own process: the `API_KEYS`
 * value it is given (hashes only) and the `Authorization` headers a client sends.
 */
export function processKeys(prefix = 'test') {
  const editorKey = `ree_${randomBytes(32).toString('base64url')}`
  const adminKey = `ree_${randomBytes(32).toString('base64url')}`
  const sha256 = (key: string) => createHash('sha256').update(key).digest('hex')
  return {
    API_KEYS: `${prefix}-editor:editor:${sha256(editorKey)},${prefix}-admin:admin:${sha256(adminKey)}`,
    editorKey,
    editor: `Bearer ${editorKey}`,
    admin: `Bearer ${adminKey}`,
  }
}

/**
 * A read as a patient client makes it: while the answer is 503 `read-model-behind` (the
 * projection has not reached a `minVersion` yet, as on a loaded machine), it asks again,
 * for up to `timeoutMs`; any other answer is returned as it is.
 */
export async function readWhenCaughtUp(
  client: Client,
  url: string,
  timeoutMs = 60_000,
): Promise<LightMyRequestResponse> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const response = await client.inject(url)
    const behind = response.statusCode === 503 && /read-model-behind/.test(response.body)
    if (!behind || Date.now() > deadline) return response
    await new Promise((wait) => setTimeout(wait, 100))
  }
}
