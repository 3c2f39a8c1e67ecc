import type { FastifyInstance } from 'fastify'
import { ConfigError } from './config.ts'

/** A start that cannot go on, with the one line that says why and what to change. */
export class StartError extends Error {
  override readonly name = 'StartError'
}

/** Listens, or explains in one line that the port is taken and which variable moves it. */
export async function listenOrExplain(
  app: FastifyInstance,
  options: { port: number; host: string; variable?: string },
): Promise<string> {
  try {
    return await app.listen({ port: options.port, host: options.host })
  } catch (error) {
    const code = (error as { code?: string }).code
    if (code === 'EADDRINUSE') {
      throw new StartError(
        `port ${options.port} on ${options.host} is already in use; set ${options.variable ?? 'PORT'} to a free port`,
      )
    }
    if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') {
      throw new StartError(`cannot listen on ${options.host}: ${code}; set HOST to an address of this machine`)
    }
    throw error
  }
}

/** One readable line for whatever stopped a start (some libraries reject with a bare value, not an Error). */
export function describeStartFailure(error: unknown): string {
  if (error instanceof StartError || error instanceof ConfigError) return error.message
  if (error instanceof AggregateError && error.errors.length > 0) return describeStartFailure(error.errors[0])
  if (error instanceof Error && error.name.endsWith('InUseError')) return error.message
  if (error instanceof Error) {
    const code = (error as { code?: string }).code
    const cause = error.cause === undefined ? '' : ` (${describeStartFailure(error.cause)})`
    return `${code ? `${code}: ` : ''}${error.message || error.name}${cause}`
  }
  if (Array.isArray(error)) return error.map(String).join(' ').trim() || 'an unnamed failure'
  return error === undefined ? 'an unnamed failure (nothing was thrown with it)' : String(error)
}

/** Runs a service's start; a failure prints one line naming its cause and exits 1, never a bare `undefined`. */
export async function startOrExplain(name: string, start: () => Promise<unknown>): Promise<void> {
  try {
    await start()
  } catch (error) {
    process.stderr.write(`${name} could not start: ${describeStartFailure(error).replaceAll('\n', ' ')}\n`)
    process.exit(1)
  }
}
