import { type ChildProcess, spawn } from 'node:child_process'
import { readFile, rm } from 'node:fs/promises'
import { resolve } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { freePort } from '@ree/embedded'
import t from 'tap'

const root = resolve(import.meta.dirname, '../..')
const dataDir = `.data/test-start-${process.pid}`
t.teardown(() => rm(resolve(root, dataDir), { recursive: true, force: true }))

/** Starts the embedded ledger as `pnpm start` does, on fresh ports. */
async function start() {
  const port = await freePort()
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: String(port),
    DATA_DIR: dataDir,
    EMBEDDED_POSTGRES_PORT: String(await freePort()),
    LOG_LEVEL: 'warn',
    LOG_FORMAT: 'text',
  }
  delete env.DATABASE_URL
  const child = spawn(process.execPath, ['infra/embedded/src/main.ts'], {
    cwd: root,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk))
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk))
  return { child, base: `http://127.0.0.1:${port}`, output: () => output }
}

async function readyWithin(base: string, ms: number): Promise<number> {
  const started = Date.now()
  while (Date.now() - started < ms) {
    const status = await fetch(`${base}/health/ready`).then(
      (response) => response.status,
      () => 0,
    )
    if (status === 200) return Date.now() - started
    await sleep(100)
  }
  throw new Error(`not ready within ${ms} ms`)
}

function exitOf(child: ChildProcess): Promise<number | null> {
  return new Promise((resolveExit) => child.once('exit', (code) => resolveExit(code)))
}

t.test(
  'the start command brings the API up on embedded PostgreSQL, seeded, and keeps data across restarts',
  async (t) => {
    const first = await start()
    t.teardown(() => void first.child.kill('SIGKILL'))
    const elapsed = await readyWithin(first.base, 20_000)
    t.ok(elapsed < 20_000, `ready after ${elapsed} ms`)
    t.match(first.output(), /API docs at http:\/\/127\.0\.0\.1:\d+\/docs/, 'prints the URL of /docs')
    const deposits = (await (await fetch(`${first.base}/v1/deposits?limit=100`)).json()) as {
      items: Array<{ id: string }>
    }
    t.ok(
      deposits.items.some((deposit: { id: string }) => deposit.id === 'beylikova'),
      'the seeds are there on first start',
    )
    const docs = await fetch(`${first.base}/docs`)
    t.equal(docs.status, 200, 'Swagger UI answers')
    const editorKey = /^\s+editor\s+(ree_\S+)$/m.exec(first.output())?.[1]
    const adminKey = /^\s+admin\s+(ree_\S+)$/m.exec(first.output())?.[1]
    t.ok(editorKey && adminKey, 'the first start prints an editor and an admin key')
    const keysFile = await readFile(resolve(root, dataDir, 'api-keys.json'), 'utf8')
    t.notOk(keysFile.includes(editorKey ?? '-') || keysFile.includes(adminKey ?? '-'), 'the keys file holds no key')
    t.equal((JSON.parse(keysFile) as { keys: unknown[] }).keys.length, 2, 'only their hashes')
    const command = (headers: Record<string, string>) =>
      fetch(`${first.base}/v1/deposits`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({
          id: 'kept-across-restarts',
          name: 'Kept',
          country: 'NO',
          effectiveDate: '2025-01-01',
          sources: [{ publisher: 'test' }],
        }),
      })
    t.equal((await command({})).status, 401, 'a command without a key is refused')
    t.equal((await command({ authorization: `Bearer ${editorKey}` })).status, 201, 'the printed editor key works')
    const deadLetters = await fetch(`${first.base}/v1/dead-letters`, {
      headers: { authorization: `Bearer ${adminKey}` },
    })
    t.equal(deadLetters.status, 200, 'the printed admin key works')
    const exited = exitOf(first.child)
    first.child.kill('SIGTERM')
    t.equal(await exited, 0, 'SIGTERM shuts down cleanly')

    const second = await start()
    t.teardown(() => void second.child.kill('SIGKILL'))
    await readyWithin(second.base, 20_000)
    t.notMatch(second.output(), /ree_/, 'a restart prints no key')
    const kept = await fetch(`${second.base}/v1/deposits/kept-across-restarts`)
    t.equal(kept.status, 200, 'data written before the restart is still there')
    const history = (await (await fetch(`${second.base}/v1/deposits/beylikova/history?limit=100`)).json()) as {
      items: Array<{ streamversion: number }>
    }
    const versions = history.items.map((event: { streamversion: number }) => event.streamversion)
    t.same(versions, [...new Set(versions)], 'seeding again on restart appended no duplicates')
    const stopped = exitOf(second.child)
    second.child.kill('SIGINT')
    t.equal(await stopped, 0)
  },
)
