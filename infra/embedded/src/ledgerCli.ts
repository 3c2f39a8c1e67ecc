import { setTimeout as sleep } from 'node:timers/promises'
import { loadConfig } from '@ree/platform'
import { z } from 'zod'

/**
 * `pnpm ledger <command>`: the admin commands, through a running gateway's admin
 * endpoints (so they work the same on the embedded ledger and in distributed mode).
 *   dead-letters replay <id>            re-apply one dead letter
 *   dead-letters replay --entity <id>   re-apply every unresolved one of an entity
 *   rebuild <read-model>                rebuild deposits, deals, shipments, restrictions, country-figures or all
 */
const config = loadConfig(
  z.object({
    GATEWAY_URL: z.url().default('http://127.0.0.1:3000'),
    API_KEY: z.string().min(1).meta({ description: 'An admin key of that gateway' }),
  }),
  process.env,
)
const authorization = `Bearer ${config.API_KEY}`
const usage =
  'usage: pnpm ledger dead-letters replay <id> | dead-letters replay --entity <entity id> | rebuild <deposits|deals|shipments|restrictions|country-figures|all>'

async function post(path: string, body?: object): Promise<{ status: number; body: unknown }> {
  const response = await fetch(new URL(path, config.GATEWAY_URL), {
    method: 'POST',
    headers: { authorization, ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  })
  return { status: response.status, body: await response.json() }
}

/** Starts a rebuild and follows it until it is done, printing its progress. */
async function rebuild(name: string): Promise<number> {
  const started = await post(`/v1/admin/read-models/${name}/rebuild`)
  if (started.status !== 202) return report(started)
  const { id } = started.body as { id: string }
  for (;;) {
    await sleep(500)
    const response = await fetch(new URL(`/v1/admin/rebuilds/${id}`, config.GATEWAY_URL), {
      headers: { authorization },
    })
    const status = (await response.json()) as { phase: string; events: number; eventsPerSecond: number; error?: string }
    process.stdout.write(`${status.phase}: ${status.events} events, ${status.eventsPerSecond} events/s\n`)
    if (status.phase === 'done') return 0
    if (status.phase === 'failed') {
      process.stderr.write(`rebuild failed: ${status.error}\n`)
      return 1
    }
  }
}

async function run(args: string[]): Promise<number> {
  const [area, action, first, second] = args
  if (area === 'rebuild' && action) return rebuild(action)
  if (area === 'dead-letters' && action === 'replay' && first === '--entity' && second) {
    return report(await post('/v1/admin/dead-letters/replay', { subject: second }))
  }
  if (area === 'dead-letters' && action === 'replay' && first && /^\d+$/.test(first)) {
    return report(await post(`/v1/admin/dead-letters/${first}/replay`))
  }
  process.stderr.write(`${usage}\n`)
  return 2
}

function report(result: { status: number; body: unknown }): number {
  process.stdout.write(`${JSON.stringify(result.body, null, 2)}\n`)
  const failed = (result.body as { failed?: number }).failed ?? 0
  return result.status >= 300 || failed > 0 ? 1 : 0
}

process.exitCode = await run(process.argv.slice(2)).catch((error: Error) => {
  process.stderr.write(`ledger: ${error.message} (is the gateway at ${config.GATEWAY_URL} up?)\n`)
  return 1
})
