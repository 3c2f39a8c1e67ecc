import { spawn } from 'node:child_process'
import { rm } from 'node:fs/promises'
import { createServer } from 'node:net'
import { resolve } from 'node:path'
import { freePort } from '@ree/embedded'
import { eventually } from '@ree/testing'
import t from 'tap'

// How `pnpm start` behaves for a person: a few lines, or one line saying why it cannot start.
t.setTimeout(240_000)
const root = resolve(import.meta.dirname, '../..')
const dataDirs = new Set<string>()
t.teardown(async () => {
  for (const dir of dataDirs) await rm(resolve(root, dir), { recursive: true, force: true })
})

function start(env: Record<string, string>) {
  const dataDir = env.DATA_DIR ?? `.data/test-start-ops-${process.pid}-${dataDirs.size}`
  dataDirs.add(dataDir)
  const childEnv: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, SEED: 'false', ...env }
  delete childEnv.DATABASE_URL
  delete childEnv.EMBEDDED_POSTGRES_PORT
  delete childEnv.LOG_LEVEL
  Object.assign(childEnv, env)
  const child = spawn(process.execPath, ['infra/embedded/src/main.ts'], {
    cwd: root,
    env: childEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const output = { stdout: '', stderr: '' }
  child.stdout?.on('data', (chunk: Buffer) => (output.stdout += chunk))
  child.stderr?.on('data', (chunk: Buffer) => (output.stderr += chunk))
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)))
  t.teardown(async () => {
    if (child.exitCode !== null || child.signalCode !== null) return
    child.kill('SIGTERM')
    await Promise.race([exited, new Promise((stopped) => setTimeout(stopped, 15_000))])
    child.kill('SIGKILL')
  })
  return { child, output, exited, dataDir, base: `http://127.0.0.1:${env.PORT}` }
}

async function ready(ledger: ReturnType<typeof start>) {
  let exited = false
  void ledger.exited.then(() => (exited = true))
  await eventually(async () => {
    if (exited) throw new Error(`the ledger exited: ${ledger.output.stderr}${ledger.output.stdout}`)
    return fetch(`${ledger.base}/health/ready`).then(
      (r) => (r.status === 200 ? true : undefined),
      () => undefined,
    )
  }, 60_000).catch((error: Error) => {
    throw new Error(`${error.message}\n${ledger.output.stderr.slice(-2000)}`)
  })
}

async function holdPort(): Promise<{ port: number; release: () => Promise<void> }> {
  const server = createServer()
  await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening))
  const address = server.address()
  return {
    port: typeof address === 'object' && address ? address.port : 0,
    release: () => new Promise((closed) => server.close(() => closed())),
  }
}

t.test('two ledgers started at once with different PORTs both come up, with a few readable lines', async (t) => {
  const [a, b] = [
    start({ PORT: String(await freePort()), LOG_FORMAT: 'text' }),
    start({ PORT: String(await freePort()), LOG_FORMAT: 'text' }),
  ]
  await Promise.all([ready(a), ready(b)])
  for (const ledger of [a, b]) {
    const { keys, rest } = splitFirstStartKeys(ledger.output.stdout)
    t.match(keys, /^ {2}editor {2}ree_[\w-]{43}$/m, 'a first start shows an editor key once')
    t.match(keys, /^ {2}admin {3}ree_[\w-]{43}$/m, 'and an admin key')
    const lines = rest.trim().split('\n')
    t.ok(lines.length <= 8, `${lines.length} lines besides the keys`)
    t.match(lines[0], /^Rare Earth Ledger$/)
    t.match(ledger.output.stdout, /database\s+embedded PostgreSQL on 127\.0\.0\.1:\d+, data in \.data\//)
    t.match(ledger.output.stdout, /seeds\s+skipped \(SEED=false\)/)
    t.match(lines.at(-1), /^Rare Earth Ledger is up: API docs at http:\/\/127\.0\.0\.1:\d+\/docs$/, 'the docs URL last')
  }
  const ports = [a, b].map((ledger) => /127\.0\.0\.1:(\d+), data/.exec(ledger.output.stdout)?.[1])
  t.not(ports[0], ports[1], 'each on its own PostgreSQL port')

  const second = start({ PORT: String(await freePort()), DATA_DIR: a.dataDir, LOG_FORMAT: 'text' })
  t.equal(await second.exited, 1, 'a third on the data directory of the first cannot share it')
  t.match(
    second.output.stderr.trim(),
    /^Rare Earth Ledger could not start: the data directory .* is in use by another PostgreSQL \(pid \d+\); stop that ledger, or set DATA_DIR to start a second one$/,
  )
  for (const ledger of [a, b]) {
    ledger.child.kill('SIGTERM')
    t.equal(await ledger.exited, 0)
  }
  const restarted = start({ PORT: String(await freePort()), DATA_DIR: a.dataDir, LOG_FORMAT: 'text' })
  await ready(restarted)
  t.notMatch(restarted.output.stdout, /ree_/, 'a later start shows no key')
  t.ok(restarted.output.stdout.trim().split('\n').length <= 8, 'and a few lines')
  restarted.child.kill('SIGTERM')
  t.equal(await restarted.exited, 0)
})

/** The block a first start prints its keys in, and the lines around it. */
function splitFirstStartKeys(stdout: string): { keys: string; rest: string } {
  const block = /\n?First start: [^\n]*\n(?:.+\n)*\n?/.exec(stdout)
  return block ? { keys: block[0], rest: stdout.replace(block[0], '') } : { keys: '', rest: stdout }
}

/** The editor key a first start logged as a JSON line. */
async function editorKey(ledger: ReturnType<typeof start>): Promise<string> {
  return eventually(async () => {
    for (const line of ledger.output.stdout.split('\n')) {
      if (!line.startsWith('{')) continue
      const entry = JSON.parse(line) as { apiKeys?: { editor?: string } }
      if (entry.apiKeys?.editor) return entry.apiKeys.editor
    }
    return undefined
  }, 10_000)
}

t.test('a start that cannot come up says why in one line', async (t) => {
  const held = await holdPort()
  t.teardown(held.release)
  const cases = [
    {
      env: { PORT: String(held.port) },
      says: new RegExp(`port ${held.port} on 127\\.0\\.0\\.1 is already in use; set PORT`),
    },
    {
      env: { PORT: String(await freePort()), EMBEDDED_POSTGRES_PORT: String(held.port) },
      says: new RegExp(`port ${held.port} for embedded PostgreSQL is already in use; set EMBEDDED_POSTGRES_PORT`),
    },
    { env: { PORT: 'eighty' }, says: /Invalid configuration: PORT: / },
  ]
  for (const { env, says } of cases) {
    const failed = start(env)
    t.equal(await failed.exited, 1)
    const lines = failed.output.stderr.trim().split('\n')
    t.equal(lines.length, 1, 'one line')
    t.match(lines[0], says)
    t.match(lines[0], /^Rare Earth Ledger could not start: /)
  }
})

t.test('not on a terminal, the start logs JSON lines, the docs URL last', async (t) => {
  const ledger = start({ PORT: String(await freePort()) })
  await ready(ledger)
  await eventually(async () => (ledger.output.stdout.includes('/docs') ? true : undefined), 10_000)
  const lines = ledger.output.stdout.trim().split('\n')
  const parsed = lines.map((line) => JSON.parse(line) as { msg: string; docs?: string })
  t.ok(parsed.length > 0, 'every line is JSON')
  t.match(
    parsed.find((entry) => 'apiKeys' in entry),
    { msg: /^First start: two API keys/, apiKeys: { editor: /^ree_/, admin: /^ree_/ } },
    'the first start keys are one JSON line too',
  )
  t.match(parsed.at(-1), { msg: /API docs at http/, docs: /\/docs$/ })
  ledger.child.kill('SIGTERM')
  t.equal(await ledger.exited, 0)
})

t.test('SIGTERM under load loses no accepted command', async (t) => {
  const port = String(await freePort())
  const ledger = start({ PORT: port, LOG_FORMAT: 'json', LOG_LEVEL: 'warn' })
  await ready(ledger)
  const key = await editorKey(ledger)
  const accepted: string[] = []
  let refused = 0
  let stopping = false
  let n = 0
  const send = async () => {
    for (;;) {
      const id = `sigterm-${n++}`
      const status = await fetch(`${ledger.base}/v1/deposits`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
        body: JSON.stringify({
          id,
          name: `Sigterm ${id}`,
          country: 'NO',
          effectiveDate: '2025-01-01',
          sources: [{ publisher: 'shutdown test' }],
        }),
      }).then(
        (response) => response.status,
        () => 0,
      )
      if (status === 201) accepted.push(id)
      else refused += 1
      if (stopping && status !== 201) return
    }
  }
  const load = Promise.all(Array.from({ length: 8 }, send))
  await eventually(async () => (accepted.length >= 20 ? true : undefined), 30_000)
  stopping = true
  ledger.child.kill('SIGTERM')
  t.equal(await ledger.exited, 0, 'exits 0 in time: no keep-alive connection holds the shutdown')
  await load
  t.ok(accepted.length >= 20, `${accepted.length} accepted, ${refused} not taken once it was stopping`)

  const again = start({ PORT: port, DATA_DIR: ledger.dataDir, LOG_FORMAT: 'json', LOG_LEVEL: 'warn' })
  await ready(again)
  const missing = await eventually(async () => {
    const statuses = await Promise.all(
      accepted.map(async (id) => ({ id, status: (await fetch(`${again.base}/v1/deposits/${id}`)).status })),
    )
    const absent = statuses.filter((entry) => entry.status !== 200).map((entry) => entry.id)
    return absent.length === 0 ? absent : undefined
  }, 30_000).catch(() => ['some accepted commands are missing'])
  t.same(missing, [], 'every accepted command is in the ledger after the restart')
  again.child.kill('SIGTERM')
  t.equal(await again.exited, 0)
})
