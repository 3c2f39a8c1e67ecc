import { ConfigError, loadConfig } from '@ree/platform'
import t from 'tap'
import { hashKey, KeyStore, TrustConfig, trustOptionsFrom } from '../src/index.ts'
import { accessOf } from '../src/trust/plugin.ts'

t.test('API_KEYS entries become keys known by their hash; a bad entry names the variable', async (t) => {
  const key = 'ree_unit-test-key'
  const config = loadConfig(TrustConfig, { API_KEYS: `ci:editor:${hashKey(key)}` })
  const keys = new KeyStore({ keys: config.API_KEYS })
  t.same(keys.find(key), { name: 'ci', role: 'editor' })
  t.equal(keys.find('ree_another-key'), undefined)
  const error = t.throws(() => loadConfig(TrustConfig, { API_KEYS: 'ci:superuser:abc' })) as ConfigError
  t.ok(error instanceof ConfigError)
  t.ok(
    error.variables.every((variable) => variable.startsWith('API_KEYS')),
    error.message,
  )
})

t.test('the defaults: reads open, CORS off, a limit per key and per address', async (t) => {
  const options = trustOptionsFrom(loadConfig(TrustConfig, {}), new KeyStore())
  t.match(options, { reads: 'open', corsOrigins: [], rateLimit: { perKey: 1200, perAddress: 300 } })
  const cors = loadConfig(TrustConfig, { CORS_ORIGINS: 'https://a.example, https://b.example' })
  t.same(cors.CORS_ORIGINS, ['https://a.example', 'https://b.example'])
  t.throws(() => loadConfig(TrustConfig, { CORS_ORIGINS: 'not a url' }), ConfigError)
})

t.test('who may call a route follows from how it is documented', async (t) => {
  t.equal(accessOf({ method: 'GET', schema: { hide: true } }), 'public')
  t.equal(accessOf({ method: 'GET' }), 'public')
  t.equal(accessOf({ method: 'GET', schema: { tags: ['Deposits'] } }), 'read')
  t.equal(accessOf({ method: 'POST', schema: { tags: ['Deposits'] } }), 'editor')
  t.equal(accessOf({ method: 'GET', schema: { tags: ['Operations'] } }), 'admin')
  t.equal(accessOf({ method: 'POST', schema: { tags: ['Admin'] } }), 'admin')
})

t.test('a key issued in-process is known only to that store', async (t) => {
  const store = new KeyStore()
  const key = store.issue('admin', 'seed')
  t.match(key, /^ree_[A-Za-z0-9_-]{43}$/)
  t.same(store.find(key), { name: 'seed', role: 'admin' })
  t.equal(new KeyStore().find(key), undefined)
})
