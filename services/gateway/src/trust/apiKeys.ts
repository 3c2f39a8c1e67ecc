import { createHash, randomBytes } from 'node:crypto'
import { existsSync, readFileSync, unwatchFile, watchFile } from 'node:fs'
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises'
import { dirname } from 'node:path'
import { z } from 'zod'

export const Role = z.enum(['reader', 'editor', 'admin'])
export type Role = z.infer<typeof Role>

const rank: Record<Role, number> = { reader: 0, editor: 1, admin: 2 }

export function roleAllows(held: Role, needed: Role): boolean {
  return rank[held] >= rank[needed]
}

/** Who sent a request: the name and role of the key it carried. */
export interface Principal {
  name: string
  role: Role
}

/**
 * Keys are 256 random bits, so one SHA-256 is enough to store them: a slow password
 * hash guards guessable secrets, and nobody can guess these.
 */
export function hashKey(key: string): string {
  return createHash('sha256').update(key).digest('hex')
}

export function generateKey(): string {
  return `ree_${randomBytes(32).toString('base64url')}`
}

const Sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'must be the SHA-256 of the key, 64 hex digits')
const KeyName = z
  .string()
  .regex(/^[A-Za-z0-9._-]{1,64}$/, 'must be 1 to 64 letters, digits, dots, dashes or underscores')

export const StoredKey = z.object({ name: KeyName, role: Role, sha256: Sha256, createdAt: z.string().optional() })
export type StoredKey = z.infer<typeof StoredKey>
export const KeysFile = z.object({ keys: z.array(StoredKey) })

/** `API_KEYS`: comma-separated `name:role:sha256` entries, e.g. `ci:editor:9f86d0…`; validated by StoredKey. */
export function parseKeysVariable(value: string): Array<Record<string, string | undefined>> {
  return value
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean)
    .map((entry) => {
      const [name, role, sha256] = entry.split(':')
      return { name, role, sha256 }
    })
}

/**
 * The keys the gateway accepts, by hash. Keys from the environment are fixed; a keys
 * file is read again whenever it changes, so keys are added and revoked without a
 * restart. Keys issued in-process (the seed loader's) live in memory only.
 */
export class KeyStore {
  readonly #fixed: StoredKey[]
  readonly #file: string | undefined
  #fromFile: StoredKey[] = []
  readonly #issued = new Map<string, Principal>()
  #byHash = new Map<string, Principal>()
  #onReloadError: (error: unknown) => void

  constructor(options: { keys?: StoredKey[]; file?: string; onReloadError?: (error: unknown) => void } = {}) {
    this.#fixed = options.keys ?? []
    this.#file = options.file
    this.#onReloadError = options.onReloadError ?? (() => undefined)
    if (this.#file) {
      this.#fromFile = readKeysFile(this.#file)
      // Polling, not fs.watch: it sees a file replaced by rename, as editors and `keys` do.
      watchFile(this.#file, { interval: 500 }, () => this.reload())
    }
    this.#index()
  }

  /** Reads the keys file again; a file that does not parse keeps the keys already loaded. */
  reload(): void {
    if (!this.#file) return
    try {
      this.#fromFile = readKeysFile(this.#file)
      this.#index()
    } catch (error) {
      this.#onReloadError(error)
    }
  }

  /** The principal a key stands for, or undefined when no such key is known. */
  find(key: string): Principal | undefined {
    return this.#byHash.get(hashKey(key))
  }

  /** A fresh key valid for this process only (the seed loader's). */
  issue(role: Role, name: string): string {
    const key = generateKey()
    this.#issued.set(hashKey(key), { name, role })
    this.#index()
    return key
  }

  close(): void {
    if (this.#file) unwatchFile(this.#file)
  }

  #index(): void {
    const byHash = new Map<string, Principal>(this.#issued)
    for (const key of [...this.#fixed, ...this.#fromFile]) byHash.set(key.sha256, { name: key.name, role: key.role })
    this.#byHash = byHash
  }
}

function readKeysFile(file: string): StoredKey[] {
  if (!existsSync(file)) return []
  return KeysFile.parse(JSON.parse(readFileSync(file, 'utf8'))).keys
}

/** Adds keys to a keys file (created when missing), written whole and renamed into place. */
export async function addKeysToFile(file: string, roles: Array<{ role: Role; name: string }>) {
  const existing = existsSync(file) ? KeysFile.parse(JSON.parse(await readFile(file, 'utf8'))).keys : []
  const issued = roles.map(({ role, name }) => ({ role, name, key: generateKey() }))
  const keys = [
    ...existing,
    ...issued.map(({ role, name, key }) => ({ name, role, sha256: hashKey(key), createdAt: new Date().toISOString() })),
  ]
  await writeKeysFile(file, keys)
  return issued
}

/** Removes a key by name from a keys file; answers whether one was there. */
export async function revokeKeyInFile(file: string, name: string): Promise<boolean> {
  const existing = existsSync(file) ? KeysFile.parse(JSON.parse(await readFile(file, 'utf8'))).keys : []
  const kept = existing.filter((key) => key.name !== name)
  if (kept.length === existing.length) return false
  await writeKeysFile(file, kept)
  return true
}

async function writeKeysFile(file: string, keys: StoredKey[]): Promise<void> {
  await mkdir(dirname(file), { recursive: true })
  const temporary = `${file}.${process.pid}.tmp`
  await writeFile(temporary, `${JSON.stringify({ keys }, null, 2)}\n`, { mode: 0o600 })
  await rename(temporary, file)
}
