// Local single-node Apache Kafka (KRaft, combined broker+controller) on 127.0.0.1,
// run from its Maven Central jars on Java 17+. No Docker, no npm dependencies.
//
// Programmatic (tests):
//   import { startKafka } from '../infra/kafka/kafka.ts';
//   const kafka = await startKafka();            // free port, throwaway data dir
//   ... use kafka.brokers ('127.0.0.1:<port>') ...
//   await kafka.stop();                            // SIGTERM, wait, remove throwaway dir
//   // or: const k = await ensureKafka();  -> $KAFKA_BROKERS if set, else a throwaway broker
//
// CLI (dev):
//   node infra/kafka/kafka.ts up       # broker on 127.0.0.1:9092, data in <repo>/.kafka/, detached
//   node infra/kafka/kafka.ts down     # stop it (data kept)
//   node infra/kafka/kafka.ts status   # prints KAFKA_BROKERS=... if running, exit 1 if not
//   node infra/kafka/kafka.ts reset    # down + delete <repo>/.kafka/
//   node infra/kafka/kafka.ts fetch    # only make sure the jars are in infra/kafka/.jars/
//
// See README.md in this folder for the env knobs.

import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import {
  closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, readdirSync, renameSync,
  rmSync, writeFileSync,
} from 'node:fs';
import { createServer, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
const REPO_ROOT = resolve(HERE, '..', '..');
const POM = join(HERE, 'pom.xml');
const MARKER_NAME = '.fetched';

export interface StartKafkaOptions {
  /** PLAINTEXT port on 127.0.0.1; a free one is picked when omitted. */
  port?: number;
  /** KRaft CONTROLLER port on 127.0.0.1; a free one is picked when omitted. */
  controllerPort?: number;
  /**
   * Where config, logs and the Kafka log dirs go. When given it is kept on stop() (and reused,
   * not reformatted, on the next start); when omitted a throwaway temp dir is made and removed.
   */
  dataDir?: string;
  /** Progress messages of the runner (fetch, format, start, stop). Default: silent. */
  log?: (line: string) => void;
  /** Readiness timeout; default 60 s (env KAFKA_START_TIMEOUT_MS). */
  timeoutMs?: number;
  /**
   * Start the JVM detached (own process group, survives the parent). Used by the CLI `up`.
   * Default false: the broker is SIGKILLed if the Node process exits without calling stop().
   */
  detached?: boolean;
}

export interface KafkaHandle {
  /** bootstrap servers string, e.g. '127.0.0.1:40123' */
  brokers: string;
  port: number;
  controllerPort: number;
  dataDir: string;
  pid: number;
  /** Kafka version of the jars in use, e.g. '4.4.0'. */
  version: string;
  /**
   * Stop the broker: SIGTERM (controlled shutdown), SIGKILL after 15 s. `{ signal: 'SIGKILL' }`
   * simulates a crash. Removes the data dir only if it was a throwaway one.
   */
  stop(opts?: { signal?: 'SIGTERM' | 'SIGKILL' }): Promise<void>;
}

// ---------------------------------------------------------------------------------------------
// Jars

/** Kafka version pinned in pom.xml. */
export function pinnedKafkaVersion(): string {
  const m = /<kafka\.version>([^<]+)<\/kafka\.version>/.exec(readFileSync(POM, 'utf8'));
  if (!m?.[1]) throw new Error(`no <kafka.version> in ${POM}`);
  return m[1].trim();
}

function jarsDir(): string {
  return process.env.KAFKA_JARS_DIR ? resolve(process.env.KAFKA_JARS_DIR) : join(HERE, '.jars');
}

function expectedMarker(): string {
  const pom = readFileSync(POM);
  return `kafka ${pinnedKafkaVersion()}\npom-sha256 ${createHash('sha256').update(pom).digest('hex')}\n`;
}

function jarsPresent(dir: string, marker: string): boolean {
  try {
    return readFileSync(join(dir, MARKER_NAME), 'utf8') === marker &&
      readdirSync(dir).some((f) => /^kafka_2\.13-.*\.jar$/.test(f));
  } catch {
    return false;
  }
}

/**
 * Make sure the jars of the pinned version are in infra/kafka/.jars/ (or $KAFKA_JARS_DIR);
 * runs Maven once when they are missing or the pom changed. Returns the jars dir.
 */
export async function ensureJars(log: (line: string) => void = () => {}): Promise<string> {
  const dir = jarsDir();
  const marker = expectedMarker();
  if (jarsPresent(dir, marker)) return dir;

  const version = pinnedKafkaVersion();
  const tmp = `${dir}.tmp-${process.pid}-${randomBytes(3).toString('hex')}`;
  rmSync(tmp, { recursive: true, force: true });
  const mvn = process.env.KAFKA_MVN || 'mvn';
  const args = [
    '-q', '-B', '-f', POM, 'dependency:copy-dependencies',
    '-DincludeScope=runtime', `-DoutputDirectory=${tmp}`,
  ];
  log(`kafka: fetching Apache Kafka ${version} jars with Maven into ${dir} ...`);
  const t0 = Date.now();
  const out = await run(mvn, args, 10 * 60_000);
  if (out.code !== 0 || !existsSync(tmp)) {
    rmSync(tmp, { recursive: true, force: true });
    throw new Error(`kafka: '${mvn} ${args.join(' ')}' failed (exit ${out.code}):\n${tail(out.output, 40)}`);
  }
  writeFileSync(join(tmp, MARKER_NAME), marker);
  // Swap in atomically-ish; a concurrent fetcher may have won the race, which is fine.
  if (!jarsPresent(dir, marker)) {
    rmSync(dir, { recursive: true, force: true });
    try {
      renameSync(tmp, dir);
    } catch (e) {
      if (!jarsPresent(dir, marker)) throw e;
    }
  }
  rmSync(tmp, { recursive: true, force: true });
  log(`kafka: jars fetched in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  return dir;
}

// ---------------------------------------------------------------------------------------------
// Broker

function javaBin(): string {
  return process.env.JAVA_HOME ? join(process.env.JAVA_HOME, 'bin', 'java') : 'java';
}

function heapOpts(): string[] {
  return splitArgs(process.env.KAFKA_HEAP_OPTS ?? '-Xmx512m -Xms256m');
}

function jvmOpts(): string[] {
  return [
    '-XX:+UseG1GC', '-XX:MaxGCPauseMillis=20', '-XX:InitiatingHeapOccupancyPercent=35',
    '-XX:+ExplicitGCInvokesConcurrent', '-Djava.awt.headless=true',
    ...splitArgs(process.env.KAFKA_JVM_OPTS ?? ''),
  ];
}

function splitArgs(s: string): string[] {
  return s.split(/\s+/).filter(Boolean);
}

function serverProperties(p: { port: number; controllerPort: number; logDirs: string }): string {
  const lines = [
    '# Written by infra/kafka/kafka.ts on every start; edits are overwritten.',
    'process.roles=broker,controller',
    'node.id=1',
    // Static quorum: the controller endpoint lives only in this file, so a restart on the same
    // data dir may use another controller port.
    `controller.quorum.voters=1@127.0.0.1:${p.controllerPort}`,
    `listeners=PLAINTEXT://127.0.0.1:${p.port},CONTROLLER://127.0.0.1:${p.controllerPort}`,
    `advertised.listeners=PLAINTEXT://127.0.0.1:${p.port}`,
    'inter.broker.listener.name=PLAINTEXT',
    'controller.listener.names=CONTROLLER',
    'listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    `log.dirs=${p.logDirs}`,
    'num.partitions=3',
    'default.replication.factor=1',
    'min.insync.replicas=1',
    'offsets.topic.replication.factor=1',
    // Fewer internal partitions than the default 50: the first group join / transaction is faster.
    'offsets.topic.num.partitions=10',
    'transaction.state.log.replication.factor=1',
    'transaction.state.log.min.isr=1',
    'transaction.state.log.num.partitions=10',
    'share.coordinator.state.topic.replication.factor=1',
    'share.coordinator.state.topic.min.isr=1',
    'auto.create.topics.enable=false',
    'group.initial.rebalance.delay.ms=0',
    'log.retention.ms=-1',
    // After a crash (SIGKILL) the restarted broker can only re-register once the controller has
    // expired the old registration's session (default 9 s); shorter here so a crash test restarts fast.
    'broker.heartbeat.interval.ms=500',
    'broker.session.timeout.ms=3000',
    '',
  ];
  return lines.join('\n');
}

const log4j2 = (level: string) => `# Written by infra/kafka/kafka.ts. Quiet: ${level} and up to logs/broker.log,
# plus the few INFO lines that tell when the server started and stopped.
status = warn
name = kafka-runner
# Keep logging through the JVM shutdown (Kafka's own hook logs the controlled shutdown).
shutdownHook = disable
appender.file.type = File
appender.file.name = FILE
appender.file.fileName = \${sys:kafka.logs.dir}/broker.log
appender.file.append = true
appender.file.layout.type = PatternLayout
appender.file.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = ${level}
rootLogger.appenderRef.file.ref = FILE
logger.raftserver.name = kafka.server.KafkaRaftServer
logger.raftserver.level = INFO
logger.kafka.name = kafka.Kafka
logger.kafka.level = INFO
logger.signal.name = org.apache.kafka.common.utils.internals.LoggingSignalHandler
logger.signal.level = INFO
`;

interface Layout {
  dataDir: string;
  logDirs: string;
  logsDir: string;
  props: string;
  log4j: string;
  brokerLog: string;
  stdoutLog: string;
}

function layout(dataDir: string): Layout {
  return {
    dataDir,
    logDirs: join(dataDir, 'kraft-logs'),
    logsDir: join(dataDir, 'logs'),
    props: join(dataDir, 'server.properties'),
    log4j: join(dataDir, 'log4j2.properties'),
    brokerLog: join(dataDir, 'logs', 'broker.log'),
    stdoutLog: join(dataDir, 'logs', 'stdout.log'),
  };
}

function clusterId(): string {
  // Kafka's Uuid text form: 16 random bytes, base64url without padding (22 chars). Avoid a
  // leading '-' (looks like a CLI flag), as Uuid.randomUuid() does.
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

function javaArgs(jars: string, l: Layout, mainClass: string, args: string[], heap: string[]): string[] {
  return [
    ...heap, ...jvmOpts(),
    `-Dlog4j2.configurationFile=${l.log4j}`,
    `-Dkafka.logs.dir=${l.logsDir}`,
    '-cp', join(jars, '*'),
    mainClass, ...args,
  ];
}

async function formatStorage(jars: string, l: Layout, log: (line: string) => void): Promise<void> {
  if (existsSync(join(l.logDirs, 'meta.properties'))) {
    log(`kafka: storage already formatted in ${l.logDirs}`);
    return;
  }
  const id = clusterId();
  log(`kafka: formatting storage (cluster id ${id}) ...`);
  const args = javaArgs(jars, l, 'kafka.tools.StorageTool',
    ['format', '--ignore-formatted', '-t', id, '-c', l.props], ['-Xmx256m']);
  const out = await run(javaBin(), args, 60_000);
  if (out.code !== 0) {
    throw new Error(`kafka: storage format failed (exit ${out.code}):\n${tail(out.output, 40)}`);
  }
}

/** Start a single-node KRaft broker on 127.0.0.1 and wait until it serves metadata. */
export async function startKafka(opts: StartKafkaOptions = {}): Promise<KafkaHandle> {
  const log = opts.log ?? (() => {});
  const t0 = Date.now();
  const timeoutMs = opts.timeoutMs ?? Number(process.env.KAFKA_START_TIMEOUT_MS || 60_000);
  const jars = await ensureJars(log);
  const version = pinnedKafkaVersion();

  const throwaway = !opts.dataDir;
  const dataDir = opts.dataDir ? resolve(opts.dataDir) : mkdtempSync(join(tmpdir(), 'kafka-'));
  const l = layout(dataDir);
  let child: ChildProcess | undefined;
  let onExit: (() => void) | undefined;
  try {
    const port = opts.port ?? (await freePort());
    const controllerPort = opts.controllerPort ?? (await freePort([port]));
    await assertPortFree(port);
    await assertPortFree(controllerPort);

    mkdirSync(l.logDirs, { recursive: true });
    mkdirSync(l.logsDir, { recursive: true });
    writeFileSync(l.props, serverProperties({ port, controllerPort, logDirs: l.logDirs }));
    writeFileSync(l.log4j, log4j2(process.env.KAFKA_LOG_LEVEL || 'WARN'));
    await formatStorage(jars, l, log);

    log(`kafka: starting Kafka ${version} on 127.0.0.1:${port} (controller ${controllerPort}), data ${dataDir}`);
    const out = openSync(l.stdoutLog, 'a');
    try {
      child = spawn(javaBin(), javaArgs(jars, l, 'kafka.Kafka', [l.props], heapOpts()), {
        cwd: dataDir,
        stdio: ['ignore', out, out],
        detached: !!opts.detached,
      });
    } finally {
      closeSync(out);
    }
    const proc = child;
    let exited: { code: number | null; signal: NodeJS.Signals | null } | undefined;
    const exitPromise = new Promise<void>((res) => {
      proc.once('exit', (code, signal) => { exited = { code, signal }; res(); });
      proc.once('error', (err) => { exited = { code: -1, signal: null }; log(`kafka: ${err}`); res(); });
    });
    if (opts.detached) {
      proc.unref();
    } else {
      // Don't leave an orphan JVM behind if the test process dies without stop().
      onExit = () => {
        try { proc.kill('SIGKILL'); } catch { /* gone */ }
        if (throwaway) rmSync(dataDir, { recursive: true, force: true });
      };
      process.once('exit', onExit);
    }

    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (exited) {
        throw new Error(`kafka: broker exited during startup (code ${exited.code}, signal ${exited.signal})\n` +
          logTail(l));
      }
      if (Date.now() > deadline) {
        throw new Error(`kafka: broker not ready on 127.0.0.1:${port} after ${timeoutMs} ms\n` + logTail(l));
      }
      if (await brokerReady(port)) break;
      await sleep(200);
    }
    log(`kafka: ready on 127.0.0.1:${port} in ${((Date.now() - t0) / 1000).toFixed(1)} s (pid ${proc.pid})`);

    let stopping: Promise<void> | undefined;
    const handle: KafkaHandle = {
      brokers: `127.0.0.1:${port}`,
      port,
      controllerPort,
      dataDir,
      pid: proc.pid!,
      version,
      stop(stopOpts = {}) {
        stopping ??= (async () => {
          const t = Date.now();
          if (!exited) {
            proc.kill(stopOpts.signal ?? 'SIGTERM');
            const killed = await Promise.race([exitPromise.then(() => false), sleep(15_000).then(() => true)]);
            if (killed) {
              log('kafka: broker did not stop within 15 s, sending SIGKILL');
              proc.kill('SIGKILL');
              await exitPromise;
            }
          }
          if (onExit) process.removeListener('exit', onExit);
          if (throwaway) rmSync(dataDir, { recursive: true, force: true });
          log(`kafka: stopped in ${((Date.now() - t) / 1000).toFixed(1)} s`);
        })();
        return stopping;
      },
    };
    return handle;
  } catch (e) {
    if (child && child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await new Promise((res) => { child!.once('exit', res); setTimeout(res, 5_000); });
    }
    if (onExit) process.removeListener('exit', onExit);
    if (throwaway) rmSync(dataDir, { recursive: true, force: true });
    throw e;
  }
}

/**
 * For tests: use the broker named by $KAFKA_BROKERS when set (stop() is then a no-op), otherwise
 * start a throwaway one with startKafka(opts).
 */
export async function ensureKafka(opts: StartKafkaOptions = {}): Promise<{ brokers: string; external: boolean; stop(): Promise<void> }> {
  const env = process.env.KAFKA_BROKERS?.trim();
  if (env) return { brokers: env, external: true, stop: async () => {} };
  const k = await startKafka(opts);
  return { brokers: k.brokers, external: false, stop: () => k.stop() };
}

function logTail(l: Layout): string {
  const parts: string[] = [];
  for (const f of [l.brokerLog, l.stdoutLog]) {
    try {
      const text = readFileSync(f, 'utf8');
      if (text.trim()) parts.push(`--- tail of ${f} ---\n${tail(text, 40)}`);
    } catch { /* missing */ }
  }
  return parts.join('\n') || `(no broker output in ${l.logsDir})`;
}

// ---------------------------------------------------------------------------------------------
// Readiness: a raw Kafka protocol Metadata request. The broker is ready when it lists itself
// (i.e. it is registered and unfenced, so topics can be created).

/** True when a broker on 127.0.0.1:port answers Metadata and lists at least one live broker. */
export async function brokerReady(port: number, timeoutMs = 2_000): Promise<boolean> {
  try {
    // Metadata v4 (key 3): non-flexible, supported by Kafka 1.0 .. 4.x.
    // body: topics = [] (int32 0, i.e. no topics), allow_auto_topic_creation = false.
    const body = Buffer.from([0, 0, 0, 0, 0]);
    const resp = await kafkaRequest(port, 3, 4, body, timeoutMs);
    // throttle_time_ms int32, then brokers array (int32 count).
    const brokers = resp.readInt32BE(4);
    return brokers > 0;
  } catch {
    return false;
  }
}

function kafkaRequest(port: number, apiKey: number, apiVersion: number, body: Buffer, timeoutMs: number): Promise<Buffer> {
  return new Promise((res, rej) => {
    const clientId = Buffer.from('kafka-runner');
    const header = Buffer.alloc(10);
    header.writeInt16BE(apiKey, 0);
    header.writeInt16BE(apiVersion, 2);
    header.writeInt32BE(1, 4); // correlation id
    header.writeInt16BE(clientId.length, 8);
    const payload = Buffer.concat([header, clientId, body]);
    const size = Buffer.alloc(4);
    size.writeInt32BE(payload.length, 0);

    const sock = new Socket();
    let buf = Buffer.alloc(0);
    const done = (err: Error | null, value?: Buffer) => {
      clearTimeout(timer);
      sock.destroy();
      if (err) rej(err); else res(value!);
    };
    const timer = setTimeout(() => done(new Error('timeout')), timeoutMs);
    sock.once('error', (e) => done(e));
    sock.once('close', () => done(new Error('closed')));
    sock.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      if (buf.length >= 4 && buf.length >= 4 + buf.readInt32BE(0)) {
        const frame = buf.subarray(4, 4 + buf.readInt32BE(0));
        if (frame.readInt32BE(0) !== 1) return done(new Error('bad correlation id'));
        done(null, frame.subarray(4)); // strip response header v0 (correlation id)
      }
    });
    sock.connect(port, '127.0.0.1', () => sock.write(Buffer.concat([size, payload])));
  });
}

// ---------------------------------------------------------------------------------------------
// Helpers

/** A port that was free on 127.0.0.1 a moment ago (listen on port 0). */
export function freePort(avoid: number[] = []): Promise<number> {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.unref();
    srv.once('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => (avoid.includes(port) ? freePort(avoid).then(res, rej) : res(port)));
    });
  });
}

function assertPortFree(port: number): Promise<void> {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.unref();
    srv.once('error', (e: NodeJS.ErrnoException) =>
      rej(new Error(`kafka: 127.0.0.1:${port} is not free (${e.code ?? e.message}); is a broker already running?`)));
    srv.listen(port, '127.0.0.1', () => srv.close(() => res()));
  });
}

function run(cmd: string, args: string[], timeoutMs: number): Promise<{ code: number; output: string }> {
  return new Promise((res) => {
    const p = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    p.stdout!.on('data', (d) => { output += d; });
    p.stderr!.on('data', (d) => { output += d; });
    const timer = setTimeout(() => { output += `\n(timed out after ${timeoutMs} ms)`; p.kill('SIGKILL'); }, timeoutMs);
    p.once('error', (e) => { clearTimeout(timer); res({ code: -1, output: output + String(e) }); });
    p.once('close', (code) => { clearTimeout(timer); res({ code: code ?? -1, output }); });
  });
}

function tail(text: string, n: number): string {
  return text.trimEnd().split('\n').slice(-n).join('\n');
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

// ---------------------------------------------------------------------------------------------
// CLI: node infra/kafka/kafka.ts up|down|status|reset|fetch

function cliDataDir(): string {
  return process.env.KAFKA_DATA_DIR ? resolve(process.env.KAFKA_DATA_DIR) : join(REPO_ROOT, '.kafka');
}

function readPid(pidFile: string): number | undefined {
  try {
    const pid = Number(readFileSync(pidFile, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** Alive and really our broker (guards against a recycled pid). */
function isOurBroker(pid: number, dataDir: string): boolean {
  try {
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    return cmdline.includes('kafka.Kafka') && cmdline.includes(join(dataDir, 'server.properties'));
  } catch {
    if (process.platform === 'linux') return false;
    try { process.kill(pid, 0); return true; } catch { return false; }
  }
}

async function stopPid(pid: number, dataDir: string, log: (line: string) => void): Promise<void> {
  try { process.kill(pid, 'SIGTERM'); } catch { return; }
  const deadline = Date.now() + 15_000;
  while (isOurBroker(pid, dataDir)) {
    if (Date.now() > deadline) {
      log(`kafka: pid ${pid} did not stop within 15 s, sending SIGKILL`);
      try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ }
      await sleep(500);
      break;
    }
    await sleep(100);
  }
}

function hostPort(dataDir: string): string | undefined {
  try {
    const m = /^advertised\.listeners=PLAINTEXT:\/\/([^\s,]+)/m.exec(readFileSync(join(dataDir, 'server.properties'), 'utf8'));
    return m?.[1];
  } catch {
    return undefined;
  }
}

/** CLI entry; returns the exit code. */
export async function startKafkaFromCli(argv: string[] = process.argv.slice(2)): Promise<number> {
  const cmd = argv[0] ?? 'up';
  const log = (line: string) => console.error(line);
  const dataDir = cliDataDir();
  const pidFile = join(dataDir, 'broker.pid');
  const pid = readPid(pidFile);
  const running = pid !== undefined && isOurBroker(pid, dataDir);

  switch (cmd) {
    case 'up': {
      if (running) {
        log(`kafka: already running (pid ${pid}, data ${dataDir})`);
        console.log(`KAFKA_BROKERS=${hostPort(dataDir) ?? '127.0.0.1:9092'}`);
        return 0;
      }
      const port = Number(process.env.KAFKA_PORT || 9092);
      const controllerPort = process.env.KAFKA_CONTROLLER_PORT ? Number(process.env.KAFKA_CONTROLLER_PORT) : undefined;
      mkdirSync(dataDir, { recursive: true });
      const k = await startKafka({ port, ...(controllerPort === undefined ? {} : { controllerPort }), dataDir, log, detached: true });
      writeFileSync(pidFile, `${k.pid}\n`);
      console.log(`KAFKA_BROKERS=${k.brokers}`);
      return 0;
    }
    case 'down': {
      if (!running) {
        log('kafka: not running');
        rmSync(pidFile, { force: true });
        return 0;
      }
      const t = Date.now();
      await stopPid(pid!, dataDir, log);
      rmSync(pidFile, { force: true });
      log(`kafka: stopped pid ${pid} in ${((Date.now() - t) / 1000).toFixed(1)} s (data kept in ${dataDir})`);
      return 0;
    }
    case 'status': {
      if (!running) {
        log('kafka: not running');
        return 1;
      }
      const hp = hostPort(dataDir) ?? '127.0.0.1:9092';
      const port = Number(hp.split(':')[1]);
      log(`kafka: pid ${pid}, ${(await brokerReady(port)) ? 'ready' : 'NOT answering'}, data ${dataDir}`);
      console.log(`KAFKA_BROKERS=${hp}`);
      return 0;
    }
    case 'reset': {
      if (running) await stopPid(pid!, dataDir, log);
      rmSync(dataDir, { recursive: true, force: true });
      log(`kafka: removed ${dataDir}`);
      return 0;
    }
    case 'fetch': {
      console.log(await ensureJars(log));
      return 0;
    }
    default:
      log('usage: node infra/kafka/kafka.ts up|down|status|reset|fetch');
      return 2;
  }
}

const isMain = (import.meta as { main?: boolean }).main ??
  (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url));
if (isMain) {
  startKafkaFromCli().then(
    (code) => { process.exitCode = code; },
    (err: unknown) => { console.error(err instanceof Error ? err.message : err); process.exitCode = 1; },
  );
}
