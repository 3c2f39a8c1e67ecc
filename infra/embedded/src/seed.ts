import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { FastifyInstance } from 'fastify'
import { z } from 'zod'

const SeedFile = z.array(
  z.object({
    key: z.string().min(1),
    path: z.string().startsWith('/v1/'),
    body: z.record(z.string(), z.unknown()),
  }),
)

/** The order in which contexts are seeded: later ones link to earlier ones. */
const seedOrder = ['deposits.json', 'facilities.json', 'countries.json', 'deals.json', 'trade-flows.json']

/**
 * Sends every seed command through the gateway, like any client. Each carries an
 * `Idempotency-Key`, so seeding again (every start) appends nothing twice. A seed
 * edited after it was applied is reported in `changed`, never applied a second
 * time: history is corrected by a new command, not rewritten. A seed the ledger's
 * rules now refuse (409, 422) is reported in `refused`; a malformed one (400) stops.
 * `apiKey` is an editor key.
 */
export async function loadSeeds(gateway: FastifyInstance | URL, directory: string, apiKey: string) {
  const authorization = `Bearer ${apiKey}`
  const send = gateway instanceof URL ? overHttp(gateway, authorization) : inProcess(gateway, authorization)
  const files = (await readdir(directory))
    .filter((file) => file.endsWith('.json'))
    .sort((a, b) => rank(a) - rank(b) || a.localeCompare(b))
  let applied = 0
  let replayed = 0
  const changed: string[] = []
  const refused: Array<{ key: string; status: number; type: string }> = []
  for (const file of files) {
    const commands = SeedFile.parse(JSON.parse(await readFile(join(directory, file), 'utf8')))
    for (const command of commands) {
      const response = await send(command.path, `seed:${command.key}`, command.body)
      const problem = response.statusCode >= 300 ? (JSON.parse(response.body) as { type?: string }) : {}
      if (problem.type === '/problems/idempotency-key-reused') {
        changed.push(command.key)
        continue
      }
      // The ledger has moved on since (a client recorded a later stage, say): report, don't stop.
      if (response.statusCode === 409 || response.statusCode === 422) {
        refused.push({ key: command.key, status: response.statusCode, type: problem.type ?? '' })
        continue
      }
      if (response.statusCode >= 300) {
        throw new Error(`seed ${file} ${command.key} was refused (${response.statusCode}): ${response.body}`)
      }
      if (response.replayed) replayed += 1
      else applied += 1
    }
  }
  return { applied, replayed, changed, refused }
}

function rank(file: string): number {
  const index = seedOrder.indexOf(file)
  return index === -1 ? seedOrder.length : index
}

interface SeedResponse {
  statusCode: number
  body: string
  replayed: boolean
}
type Send = (path: string, idempotencyKey: string, body: unknown) => Promise<SeedResponse>

function inProcess(gateway: FastifyInstance, authorization: string): Send {
  return async (url, key, body) => {
    const payload = body as Record<string, unknown>
    const headers = { 'idempotency-key': key, authorization }
    const response = await gateway.inject({ method: 'POST', url, headers, payload })
    return { statusCode: response.statusCode, body: response.body, replayed: !!response.headers['idempotent-replayed'] }
  }
}

function overHttp(base: URL, authorization: string): Send {
  return async (path, key, body) => {
    const response = await fetch(new URL(path, base), {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': key, authorization },
      body: JSON.stringify(body),
    })
    return {
      statusCode: response.status,
      body: await response.text(),
      replayed: response.headers.has('idempotent-replayed'),
    }
  }
}
