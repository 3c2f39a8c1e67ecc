import t from 'tap'
import { z } from 'zod'
import { ConfigError, LogLevel, loadConfig, Port, PostgresUrl } from '../src/index.ts'

const Config = z.object({
  DATABASE_URL: PostgresUrl,
  PORT: Port(3000),
  LOG_LEVEL: LogLevel,
})

t.test('valid environment is parsed, with defaults', async (t) => {
  t.same(loadConfig(Config, { DATABASE_URL: 'postgres://u:p@localhost:5432/db' }), {
    DATABASE_URL: 'postgres://u:p@localhost:5432/db',
    PORT: 3000,
    LOG_LEVEL: 'info',
  })
})

t.test('a bad environment names every bad variable', async (t) => {
  const error = t.throws(() =>
    loadConfig(Config, {
      DATABASE_URL: 'mysql://x',
      PORT: 'eighty',
      LOG_LEVEL: 'loud',
    }),
  )
  t.ok(error instanceof ConfigError)
  t.same((error as ConfigError).variables, ['DATABASE_URL', 'PORT', 'LOG_LEVEL'])
  t.match((error as Error).message, /DATABASE_URL: must be a postgres:\/\/ URL/)
})
