/**
 * The README's test command: starts the real services the tests need (PostgreSQL
 * unless DATABASE_URL names one, a Kafka broker unless KAFKA_BROKERS names one),
 * runs every test with tap, prints the counts.
 */
import { execFileSync, spawn } from 'node:child_process'
import { existsSync, readFileSync, realpathSync } from 'node:fs'
import { rm } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { dirname, resolve } from 'node:path'
import { startEmbeddedPostgres } from '@ree/embedded'
import { startKafka } from '../infra/kafka/kafka.ts'

const root = resolve(import.meta.dirname, '..')
const cleanups: Array<() => Promise<void>> = []
let counts = { passed: 0, failed: 0 }

async function main(): Promise<number> {
  if (!process.env.DATABASE_URL) {
    const dataDir = resolve(root, '.data', `test-postgres-${process.pid}`)
    const postgres = await startEmbeddedPostgres({ dataDir })
    cleanups.push(async () => {
      await postgres.stop()
      await rm(dataDir, { recursive: true, force: true })
    })
    process.env.DATABASE_URL = postgres.url
  }
  if (!process.env.KAFKA_BROKERS) {
    const kafka = await startKafka({ log: (line) => process.stderr.write(`${line}\n`) })
    cleanups.push(() => kafka.stop())
    process.env.KAFKA_BROKERS = kafka.brokers
  }
  buildTapWithoutTypescriptPlugin()
  return runTap(process.argv.slice(2))
}

/**
 * tap is installed with its ts-node plugin built in; this project runs TypeScript
 * through Node's own type stripping, so tap is rebuilt once with the plugins
 * configured in package.json (`tap plugin list` shows the configuration, not the build).
 */
function buildTapWithoutTypescriptPlugin(): void {
  const fromTap = createRequire(realpathSync(resolve(root, 'node_modules/tap/package.json')))
  const built = resolve(dirname(fromTap.resolve('@tapjs/test/package.json')), 'test-built/dist/esm/index.js')
  if (existsSync(built) && !readFileSync(built, 'utf8').includes('@tapjs/typescript')) return
  execFileSync(resolve(root, 'node_modules/.bin/tap'), ['build'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] })
}

function runTap(args: string[]): Promise<number> {
  return new Promise((resolveExit) => {
    const tap = spawn(resolve(root, 'node_modules/.bin/tap'), args, { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] })
    let tail = ''
    tap.stdout.on('data', (chunk: Buffer) => {
      process.stdout.write(chunk)
      tail = (tail + chunk.toString()).slice(-4000)
    })
    tap.on('close', (code) => {
      const summary = /# \{ total: (\d+)(?:, pass: (\d+))?(?:, fail: (\d+))?/.exec(tail)
      counts = { passed: Number(summary?.[2] ?? 0), failed: Number(summary?.[3] ?? 0) }
      resolveExit(code ?? 1)
    })
  })
}

let exitCode = 1
try {
  exitCode = await main()
} finally {
  for (const cleanup of cleanups.reverse()) await cleanup().catch((error) => console.error(error))
}
process.stdout.write(`\n${counts.passed} passed, ${counts.failed} failed\n`)
process.exit(exitCode)
