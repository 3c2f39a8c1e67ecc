/**
 * The README's test command: runs the given test files (or every one; `--unit` for
 * the unit tier) with tap, after starting only the real services those files need:
 * PostgreSQL for any file that is not a unit test (unless DATABASE_URL names one),
 * a Kafka broker for a file that reads KAFKA_BROKERS (unless it is set). Prints the counts.
 */
import { execFileSync, spawn } from 'node:child_process'
import { existsSync, globSync, readFileSync, realpathSync } from 'node:fs'
import { rm } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { dirname, resolve } from 'node:path'
import { startEmbeddedPostgres } from '@ree/embedded'
import { startKafka } from '../infra/kafka/kafka.ts'

const root = resolve(import.meta.dirname, '..')
const cleanups: Array<() => Promise<void>> = []
let counts = { passed: 0, failed: 0 }

/** The test files asked for: the arguments, else every file tap includes; `--unit` keeps the unit tier. */
function selectedFiles(args: string[]): { files: string[]; tapArgs: string[] } {
  const unitOnly = args.includes('--unit')
  const named = args.filter((arg) => arg.endsWith('.ts'))
  const tapArgs = args.filter((arg) => arg !== '--unit' && !arg.endsWith('.ts'))
  const include = (JSON.parse(readFileSync(resolve(root, 'package.json'), 'utf8')) as { tap: { include: string[] } }).tap
    .include
  const files = (named.length > 0 ? named : include.flatMap((pattern) => globSync(pattern, { cwd: root })))
    .filter((file) => !file.includes('node_modules'))
    .filter((file) => !unitOnly || file.endsWith('.unit.test.ts'))
    .sort()
  return { files, tapArgs }
}

async function main(): Promise<number> {
  const { files, tapArgs } = selectedFiles(process.argv.slice(2))
  if (files.length === 0) throw new Error('no test files match')
  const needsPostgres = files.some((file) => !file.endsWith('.unit.test.ts'))
  const needsKafka = files.some((file) => readFileSync(resolve(root, file), 'utf8').includes('process.env.KAFKA_BROKERS'))
  if (needsPostgres && !process.env.DATABASE_URL) {
    const dataDir = resolve(root, '.data', `test-postgres-${process.pid}`)
    const postgres = await startEmbeddedPostgres({ dataDir })
    cleanups.push(async () => {
      await postgres.stop()
      await rm(dataDir, { recursive: true, force: true })
    })
    process.env.DATABASE_URL = postgres.url
  }
  if (needsKafka && !process.env.KAFKA_BROKERS) {
    const kafka = await startKafka({ log: (line) => process.stderr.write(`${line}\n`) })
    cleanups.push(() => kafka.stop())
    process.env.KAFKA_BROKERS = kafka.brokers
  }
  buildTapWithoutTypescriptPlugin()
  return runTap([...tapArgs, ...files])
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

/**
 * Gathers each failed assertion with the subtests around it and its diagnostics, so
 * the end of a long run (all a CI log may keep) says which test failed and why.
 */
function failureReport() {
  const subtests: string[] = []
  const reportedBefore: number[] = []
  const report: string[] = []
  let diagnosticsIndent: number | undefined
  let diagnosticsKept = 0
  return {
    read(line: string): void {
      const indent = line.length - line.trimStart().length
      const text = line.trim()
      if (diagnosticsIndent !== undefined) {
        if (indent >= diagnosticsIndent && text !== '...') {
          if (diagnosticsKept++ < 24) report.push(`    ${line.slice(diagnosticsIndent)}`)
          return
        }
        diagnosticsIndent = undefined
      }
      const depth = indent / 4
      const subtest = /^# Subtest: (.*)$/.exec(text)
      if (subtest) {
        subtests.length = depth
        subtests[depth] = subtest[1] ?? ''
        reportedBefore[depth] = report.length
      } else if (/^not ok \d+/.test(text) && !/# (TODO|SKIP)/.test(text)) {
        const name = text.replace(/^not ok \d+ - /, '').replace(/ # time=.*$/, '')
        // a failed subtest repeats the verdict of the assertions already reported inside it
        if (subtests[depth] === name && report.length > (reportedBefore[depth] ?? report.length)) return
        report.push(`not ok: ${[...subtests.slice(0, depth), name].join(' > ')}`)
        diagnosticsIndent = indent + 2
        diagnosticsKept = 0
      }
    },
    print(): void {
      if (report.length > 0) process.stdout.write(`\n# failed\n${report.slice(0, 200).join('\n')}\n`)
    },
  }
}
const failures = failureReport()

function runTap(args: string[]): Promise<number> {
  return new Promise((resolveExit) => {
    const tap = spawn(resolve(root, 'node_modules/.bin/tap'), args, { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] })
    let tail = ''
    let partial = ''
    tap.stdout.on('data', (chunk: Buffer) => {
      process.stdout.write(chunk)
      tail = (tail + chunk.toString()).slice(-4000)
      const lines = (partial + chunk.toString()).split('\n')
      partial = lines.pop() ?? ''
      for (const line of lines) failures.read(line)
    })
    tap.on('close', (code) => {
      failures.read(partial)
      failures.print()
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
