import type { FastifyInstance } from 'fastify'

export interface ForwardedRequest {
  method: 'POST'
  url: string
  headers: Record<string, string>
  body: unknown
}

export interface ForwardedResponse {
  statusCode: number
  headers: Record<string, string>
  body: string
}

/** How the gateway reaches a write service: the only part that differs between the two run modes. */
export interface CommandClient {
  send(request: ForwardedRequest): Promise<ForwardedResponse>
}

export class UpstreamUnavailableError extends Error {}

/** Embedded mode: the write service runs in this process; requests go through Fastify's inject. */
export function inProcessCommandClient(app: FastifyInstance): CommandClient {
  return {
    async send(request) {
      const response = await app.inject({
        method: request.method,
        url: request.url,
        headers: request.headers,
        payload: JSON.stringify(request.body),
      })
      return { statusCode: response.statusCode, headers: stringHeaders(response.headers), body: response.body }
    },
  }
}

/** Distributed mode: the write service is another process behind `baseUrl`. */
export function httpCommandClient(baseUrl: string, timeoutMs = 10_000): CommandClient {
  return {
    async send(request) {
      let response: Response
      try {
        response = await fetch(new URL(request.url, baseUrl), {
          method: request.method,
          headers: request.headers,
          body: JSON.stringify(request.body),
          signal: AbortSignal.timeout(timeoutMs),
        })
      } catch (error) {
        throw new UpstreamUnavailableError(`${baseUrl} did not answer: ${(error as Error).message}`)
      }
      return {
        statusCode: response.status,
        headers: Object.fromEntries(response.headers.entries()),
        body: await response.text(),
      }
    },
  }
}

function stringHeaders(headers: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(headers).flatMap(([name, value]) => (value === undefined ? [] : [[name, String(value)]])),
  )
}
