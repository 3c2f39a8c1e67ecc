import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { resolve } from 'node:path'
import { buildLedger, loadSeeds } from '@ree/embedded'
import { createTestDatabase } from '@ree/testing'
import { pino } from 'pino'
import t from 'tap'

// Schemathesis (installed into .tools/ by infra/bootstrap.sh) over the live /openapi.json:
// every phase, positive and negative data, with an editor key (admin for the Operations routes).
const root = resolve(import.meta.dirname, '../..')
const st = resolve(root, '.tools/schemathesis/bin/st')
t.setTimeout(600_000)

const db = await createTestDatabase()
const ledger = await buildLedger({
  databaseUrl: db.url,
  logger: pino({ level: 'silent' }),
  // One fuzzer sends as fast as it can; the limits are tested in trust.e2e.test.ts.
  trust: { rateLimit: { perKey: 1_000_000, perAddress: 1_000_000 } },
})
t.teardown(async () => {
  await ledger.close()
  await db.drop()
})
const serverErrors: Array<{ status: number; url: string; type: string }> = []
ledger.gateway.addHook('onSend', async (request, reply, payload) => {
  if (reply.statusCode >= 500) {
    const type = typeof payload === 'string' ? (/"type":"([^"]+)"/.exec(payload)?.[1] ?? '') : ''
    serverErrors.push({ status: reply.statusCode, url: request.url, type })
  }
  return payload
})
await loadSeeds(ledger.gateway, resolve(root, 'seeds'), ledger.seedKey)
const address = await ledger.gateway.listen({ port: 0, host: '127.0.0.1' })

t.test(
  'Schemathesis finds no server error, no schema or content-type violation, no invalid input accepted',
  async (t) => {
    t.ok(existsSync(st), 'Schemathesis is installed (infra/bootstrap.sh installs it into .tools/)')
    const run = spawn(
      st,
      [
        '--no-color',
        '--config-file',
        resolve(import.meta.dirname, 'schemathesis.toml'),
        'run',
        `${address}/openapi.json`,
        '--phases',
        'examples,coverage,fuzzing,stateful',
        '--mode',
        'all',
        '--checks',
        'all',
        // One worker: with two, Python 3.11's ast module can fail across threads inside Hypothesis
        // ("AST constructor recursion depth mismatch", CPython gh-106905), a runtime error of the tool.
        '--workers',
        '1',
        // A time budget as well as an example count keeps the run near four minutes on a busy machine too.
        '--max-time',
        process.env.SCHEMATHESIS_MAX_TIME ?? '240',
        '--seed',
        process.env.SCHEMATHESIS_SEED ?? '20261201',
      ],
      {
        env: {
          ...process.env,
          REE_EDITOR_KEY: ledger.keys.issue('editor', 'schemathesis'),
          REE_ADMIN_KEY: ledger.keys.issue('admin', 'schemathesis-admin'),
        },
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    )
    let output = ''
    run.stdout.on('data', (chunk: Buffer) => (output += chunk))
    const code = await new Promise<number | null>((done) => run.once('exit', done))
    // The report, without the progress display Schemathesis redraws while it runs.
    const report = output.split('\n').filter((line) => !line.includes('\u001b[') && !/[\u2800-\u28ff\u2501]/.test(line))
    process.stderr.write(`${report.join('\n')}\n`)
    const summary = /Test cases:\s*\n\s*(\d+) generated/.exec(output)
    t.ok(Number(summary?.[1] ?? 0) > 500, `${summary?.[1] ?? 0} test cases generated`)
    t.notOk(/^Failures:/m.test(output), 'no check failed (the report above lists any)')
    t.equal(code, 0, 'Schemathesis exits 0')
    const unexpected = serverErrors.filter(
      (error) =>
        !(error.status === 503 && error.type === '/problems/read-model-behind' && /[?&]minVersion=/.test(error.url)),
    )
    t.same(unexpected, [], 'no 5xx but read-model-behind on a minVersion read')
  },
)
