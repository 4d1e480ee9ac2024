// The composition root: builds every stage from the configuration, wires them into the request
// path and the server, and listens. Nothing else constructs stages.
import { existsSync, readFileSync } from 'node:fs';
import pg from 'pg';
import pino, { type DestinationStream } from 'pino';
import type { AuditSink } from '../core/contracts.js';
import { v7 as uuidv7 } from 'uuid';
import { ControlTokens } from '../auth/control-tokens.js';
import { VirtualKeys } from '../auth/virtual-keys.js';
import { KeyDirectory } from '../auth/key-directory.js';
import { keyAdminRoutes } from '../auth/key-routes.js';
import { openKeyStore, openSessionStore } from '../auth/open-key-store.js';
import { sessionProbeWithoutSso } from '../auth/session-probe.js';
import { openLimits } from '../limits/open-limits.js';
import { isChangeRecord } from '../core/record-kind.js';
import { redact } from '../classify/classify.js';
import { createClassifier } from '../classify/classifier.js';
import { DetectorHook } from '../classify/detector-hook.js';
import { detectors } from '../classify/detectors.js';
import { whoamiRoute } from '../auth/whoami-route.js';
import { consoleDir, readConsoleFiles } from '../console/assets.js';
import { consoleRoutes } from '../console/routes.js';
import type { Config } from '../config/types.js';
import { openAuditLog } from '../audit/open-audit-log.js';
import { auditAdminRoutes } from '../audit/routes.js';
import { provenanceTokenRoutes } from '../audit/token-routes.js';
import { witnessConfigChange } from '../audit/witness-config-change.js';
import { RequestPath } from '../request-path/request-path.js';
import { createPolicyStore } from '../policy/store.js';
import { bundleKeyFromPem } from '../policy/bundle-signature.js';
import { policyAdminRoutes } from '../policy/routes.js';
import { createProvenance } from '../provenance/provenance.js';
import { provenanceAdminRoutes } from '../provenance/routes.js';
import { createSemanticProvenance, DEFAULT_MODEL_DIR } from '../provenance/semantic/semantic-provenance.js';
import { detectWithMeaning } from '../provenance/semantic/with-meaning.js';
import { ModelRoutes } from '../upstream/model-routes.js';
import { loadOrCreateSigningKeys } from '../signing/keys.js';
import { loadCheckpointSigner } from '../signing/checkpoint-signer.js';
import { ProvenanceTokens } from '../signing/provenance-token.js';
import { loadTokenMacKey } from '../signing/token-key.js';
import { createTrainingFeed } from '../training/feed.js';
import { createTrainingAdmission } from '../training/admission.js';
import { openPgFeedStore } from '../training/pg-store.js';
import { openPgWindow } from '../training/pg-window.js';
import { RecentWindows } from '../training/recent-window.js';
import { trainingFeedRoutes } from '../training/feed-routes.js';
import { Upstream } from '../upstream/client.js';
import { ownCallsDispatcher } from '../upstream/egress.js';
import { createTelemetry } from '../../telemetry/telemetry.js';
import { registerMetricsRoute } from '../../telemetry/metrics-route.js';
import { buildServer } from './app.js';
import { controlPlane, logAuthFailure } from './control-plane.js';
import { ControlPlaneAuth } from '../auth/control-plane-auth.js';
import { oidcSignIn } from '../auth/oidc.js';
import type { FastifyInstance } from 'fastify';
import { ChangeLog } from '../changes/change-log.js';
import { changeRoutes } from '../changes/routes.js';
import { scrubbingDestination } from '../secrets/log-destination.js';
import { gatewayScrubber } from '../secrets/gateway-secrets.js';
import { GatewayState, isStorageError } from './lifecycle.js';
import { DistillationMonitor } from '../distillation/monitor.js';
import { clearanceOf, MONITOR_ACTOR, riskChange } from '../distillation/risk-record.js';
import { distillationRoutes } from '../distillation/routes.js';
import { RiskAlerts } from '../distillation/alerts.js';
import { drain } from './drain.js';
import { isWorkerMessage, workerSlot, type WorkerMessage } from './workers.js';
import { clientConnectionCap, openFileLimit } from './client-connections.js';

export interface RunningGateway {
  url: string;
  /** Closes at once: what is in flight is cut. */
  close(): Promise<void>;
  /**
   * SIGTERM: stops listening, refuses new requests with 503, lets in-flight calls finish for
   * `server.drainMs`, ends what is left with an error and a failed record, then closes (flushing the
   * audit log, feed and provenance). Resolves with what the drain did.
   */
  shutdown(): Promise<{ drainedMs: number; cutOff: number }>;
  readonly state: GatewayState;
}

export async function startGateway(config: Config, opts: { logLevel?: string; logDestination?: DestinationStream } = {}): Promise<RunningGateway> {
  // Before anything opens: a cap that leaves the gateway no descriptors of its own is refused here.
  const clientConnections = clientConnectionCap(config.limits.clientConnections, openFileLimit());
  const telemetry = createTelemetry();
  const scrubber = gatewayScrubber(config);
  const logger = pino(
    { level: opts.logLevel ?? process.env.TERMSGATE_LOG_LEVEL ?? 'info', mixin: () => telemetry.logMixin() },
    scrubbingDestination(scrubber, opts.logDestination ?? pino.destination(1)),
  );
  const keys = loadOrCreateSigningKeys(config.dataDir);
  const auth = new ControlPlaneAuth(new ControlTokens(config.tokens), logAuthFailure);
  const routes = new ModelRoutes(config);

  const closers: Array<() => Promise<void>> = [];
  // The gateway's own calls (witnesses, the policy bundle, OIDC, the detector, alerts) follow the proxy rules of provider calls.
  // Closed after every closer, since the audit log's last checkpoint may still go to its witnesses.
  const ownCalls = ownCallsDispatcher(process.env);
  const state = new GatewayState((reason, err) => logger.error({ err }, reason));
  try {
    // Which providers the rules for internal use apply to: an operator sees at start-up what was declared internal.
    const internal = Object.entries(config.providers).filter(([, p]) => p.external === false).map(([id]) => id);
    logger.info({ internal_providers: internal }, internal.length ? `providers treated as internal: ${internal.join(', ')}` : 'every provider is treated as external');
    if (!config.audit.signer) logger.warn('audit.signer is not configured: checkpoints are signed with the key in <data-dir>/keys, so whoever can write the data directory can re-sign the log');
    const auditSigner = config.audit.signer ? loadCheckpointSigner(config.audit.signer, config.dataDir) : keys;
    if (!config.audit.tokenKey) logger.warn('audit.tokenKey is not configured: provenance tokens are MACed with the key in <data-dir>/keys, so whoever can read the data directory can mint them');
    const provenanceTokens = new ProvenanceTokens(loadTokenMacKey(config.audit.tokenKey, config.dataDir));
    const audit = await openAuditLog({
      dataDir: config.dataDir,
      audit: config.audit,
      keys: auditSigner,
      dispatcher: ownCalls,
      onError: (err) => {
        logger.error({ err }, 'audit background work failed');
        // A failed fsync or checkpoint write: records already answered may not be durable; take no more.
        if (isStorageError(err)) state.enterReadOnly(err);
      },
    });
    closers.push(() => audit.close());
    if (config.audit.witnesses?.length) await audit.append(witnessConfigChange(config.audit, uuidv7(), new Date()));
    const changes = new ChangeLog(audit);
    const keyStore = await openKeyStore(config, (err) => logger.error({ err }, 'key store refresh failed'));
    closers.push(() => keyStore.close());
    // Console sessions exist only with single sign-on.
    const sessions = config.oidc ? await openSessionStore(config, (err) => logger.error({ err }, 'session store failed')) : null;
    if (sessions) closers.push(() => sessions.close());
    const virtualKeys = new KeyDirectory(new VirtualKeys(config.keys), keyStore);
    const limits = await openLimits(config, {
      async *recordsSince(from, fromSeq) {
        for await (const e of audit.query({ kind: 'call', from, fromSeq })) if (!isChangeRecord(e.record)) yield e.record;
      },
      // The file log's own tree, readable after it closed (its last checkpoint in memory); PostgreSQL's is another store's.
      tree: config.audit.backend === 'file' ? audit : undefined,
      onError: (err) => logger.error({ err }, 'rate limit or spend store failed'),
    });
    closers.push(() => limits.close());
    const bundleTokenEnv = config.policy.bundleToken?.env;
    if (bundleTokenEnv && !process.env[bundleTokenEnv]) throw new Error(`policy.bundleToken: environment variable ${bundleTokenEnv} is not set`);
    if (config.policy.bundleUrl && !config.policy.bundleKey) logger.warn('policy.bundleUrl is set without policy.bundleKey: every fleet bundle will be refused (bundles must be signed)');
    // Workers share the data directory: the first builds, watches and polls; an activation anywhere is told to the others.
    const slot = workerSlot();
    const policy = await createPolicyStore({
      follower: slot === null ? undefined : slot > 1,
      onActivated: slot === null ? undefined : () => process.send?.({ type: 'termsgate:policy' } satisfies WorkerMessage),
      dir: config.policy.dir,
      dataDir: config.dataDir,
      bundleUrl: config.policy.bundleUrl,
      pollIntervalMs: config.policy.pollIntervalMs,
      bundleFetchMs: config.policy.bundleFetchMs,
      bundleMaxBytes: config.policy.bundleMaxBytes,
      previewBudgetMs: config.policy.previewBudgetMs,
      decisionBudgetMs: config.policy.decisionBudgetMs,
      maxCandidates: config.policy.maxCandidates,
      candidateTtlMs: config.policy.candidateTtlMs,
      stagingBytes: config.policy.stagingBytes,
      watch: config.policy.watch,
      // Hot reloads and fleet bundles are recorded as changes (actor type 'system'), activated or refused.
      changes,
      bundleKey: config.policy.bundleKey ? bundleKeyFromPem(readFileSync(config.policy.bundleKey, 'utf8')) : undefined,
      bundleToken: bundleTokenEnv ? process.env[bundleTokenEnv] : undefined,
      dispatcher: ownCalls,
      logger,
      // Dry runs replay recorded calls under a candidate revision.
      records: async function* () {
        for await (const entry of audit.query()) yield entry.record;
      },
      recordContext: {
        principal: (r) => virtualKeys.byId(r.principal.key_id) ?? undefined,
        route: (r) => (r.model ? (routes.resolve(r.model) ?? undefined) : undefined),
      },
    });
    closers.push(() => policy.close());
    if (slot !== null) {
      const follow = (m: unknown) => {
        if (isWorkerMessage(m) && m.type === 'termsgate:policy') void policy.follow();
      };
      process.on('message', follow);
      closers.push(async () => void process.off('message', follow));
    }
    // A fleet shares one fingerprint index and one meaning index: an output served by one replica is traced on any other.
    const indexInPostgres = (config.provenanceIndex.backend ?? (config.audit.backend === 'postgres' ? 'postgres' : 'lmdb')) === 'postgres';
    const indexUrl = config.provenanceIndex.postgresUrl ?? config.audit.postgresUrl;
    if (indexInPostgres && !indexUrl) throw new Error('provenanceIndex.backend postgres needs provenanceIndex.postgresUrl (or audit.postgresUrl)');
    const provenance = await createProvenance({
      dataDir: config.dataDir,
      keys,
      postgres: indexInPostgres ? { url: indexUrl!, schema: config.provenanceIndex.schema, followMs: config.provenanceIndex.followMs } : undefined,
      worker: slot ?? undefined,
      detection: config.provenance.detection,
      onError: (err) => logger.error({ err }, 'provenance index write failed'),
    });
    closers.push(() => provenance.close());
    const semanticConfig = config.provenance.semantic;
    const semantic = semanticConfig.enabled
      ? await createSemanticProvenance({ dataDir: config.dataDir, modelDir: semanticConfig.modelDir ?? DEFAULT_MODEL_DIR, threshold: semanticConfig.threshold, prefilter: semanticConfig.prefilter, threads: semanticConfig.threads, lowPriority: semanticConfig.priority === 'low', waitMs: semanticConfig.waitMs, maxBacklog: semanticConfig.maxBacklog, maxBacklogChars: semanticConfig.maxBacklogChars, maxRecordChars: semanticConfig.maxRecordChars, retentionCheckMs: semanticConfig.retentionCheckMs, worker: slot ?? undefined, background: true, fleet: indexInPostgres ? { url: indexUrl!, schema: config.provenanceIndex.schema, followMs: config.provenanceIndex.followMs } : undefined, onError: (err) => logger.error({ err }, 'semantic provenance indexing failed') })
      : null;
    if (semantic) closers.push(() => semantic.close());
    if (semantic?.unavailable) logger.error(semantic.unavailable);
    // After a crash (no saved graph) the log is graphed behind the listening gateway: only training admission waits for it.
    if (semantic?.rebuilding) logger.warn({ outputs: semantic.rebuilding.of }, 'meaning graph: graphing the restricted outputs no saved graph held, in the background; training admission waits for it (provenance.semantic.waitMs, then refuses)');
    // With several replicas the feed shares the audit store's PostgreSQL.
    // The feed's tables sit in the audit log's schema (created by it).
    const feedPool = config.audit.backend === 'postgres' ? new pg.Pool({ connectionString: config.audit.postgresUrl!, max: 4, options: `-c search_path=${config.audit.schema ?? 'public'}` }) : null;
    // A dropped idle connection (a database restart) is reported, never an unheard 'error' that ends the process.
    feedPool?.on('error', (err) => logger.warn({ err }, 'training feed database connection dropped'));
    const feedStore = feedPool ? await openPgFeedStore({ pool: feedPool }) : undefined;
    const feed = await createTrainingFeed({ dataDir: config.dataDir, keys, store: feedStore, onError: (err) => logger.error({ err }, 'training feed write failed') });
    // Admission's window across calls: shared by the fleet where the feed is, so pieces sent through different workers or replicas add up.
    const admissionWindow = feedPool ? await openPgWindow(feedPool) : new RecentWindows();
    closers.push(async () => {
      await feed.close();
      await feedPool?.end();
    });
    const upstream = new Upstream(config, process.env, scrubber);
    closers.push(() => upstream.close());
    const classifier = createClassifier(
      {
        inlineChars: config.intake.inlineClassifyChars,
        budgetMs: config.intake.classifyBudgetMs,
        decodedBytes: config.intake.decodedBytes,
        threads: config.intake.classifyThreads,
        inlineWork: config.intake.classifyInlineWork,
        queueMs: config.intake.classifyQueueMs,
        queueMax: config.intake.classifyQueueMax,
      },
      config.detector ? new DetectorHook(config.detector, ownCalls) : undefined,
    );
    closers.push(() => classifier.close());

    // Each level change of a scope's distillation risk is a record in the log (and, rising, an alert); clearances come back from the log.
    const alerts = new RiskAlerts(
      config.distillation.webhooks.map((h) => {
        if (h.tokenEnv && !process.env[h.tokenEnv]) throw new Error(`distillation.webhooks: environment variable ${h.tokenEnv} is not set`);
        return { url: h.url, level: h.level, token: h.tokenEnv ? process.env[h.tokenEnv] : undefined };
      }),
      logger,
      ownCalls,
    );
    const distillation = new DistillationMonitor({
      onLevelChange: (risk, before) => {
        void changes.recordSystem(MONITOR_ACTOR, riskChange(risk, before)).catch((err: unknown) => logger.error({ err, scope: risk.scope }, 'distillation risk record failed'));
        alerts.notify(risk, before);
      },
    });
    for await (const c of changes.list({ action: 'distillation.clear' }, Number.MAX_SAFE_INTEGER)) {
      const clearance = isChangeRecord(c.record) ? clearanceOf(c.record) : null;
      if (clearance) distillation.clear(clearance);
    }
    const distillationTick = setInterval(() => {
      // Risk decays as calls leave the window even for scopes that have gone quiet.
      distillation.rescoreAll();
      telemetry.setDistillationScopes(distillation.levelCounts());
    }, 60_000);
    distillationTick.unref();
    closers.push(async () => clearInterval(distillationTick));

    const requestPath = new RequestPath({
      keys: virtualKeys,
      routes,
      classify: (body, headers) => classifier.classify(body, headers),
      mask: (body, classes, headers) => classifier.mask(body, classes, headers),
      redact,
      policy: () => policy,
      upstream,
      // Restricted outputs are also remembered by meaning (semantic/ indexes only those).
      provenance: semantic ? { marker: (args) => provenance.marker(args), remember: (args) => (provenance.remember(args), semantic.remember(args)) } : provenance,
      // Storage failures of the log turn the gateway read-only (gateway/server/lifecycle.ts).
      audit: state.guard(withFaultHook(audit)),
      feed,
      admission: createTrainingAdmission(async (text) => (await provenance.detectAll([text], { touched: true }))[0], {
        windows: admissionWindow,
        semantic: semantic ? (text) => semantic.spans(text) : undefined,
        read: (text) => provenance.readable(text),
        maxChars: semantic ? { chars: semanticConfig.maxRecordChars, setting: 'provenance.semantic.maxRecordChars' } : undefined,
      }),
      provenanceTokens,
      limits: limits.rateLimits,
      spend: { prices: limits.prices, budgets: limits.budgets },
      telemetry,
      distillation,
      log: logger,
      retryDeadlineMs: config.limits.retryDeadlineMs,
    });
    const app = await buildServer({
      requestPath,
      keys: virtualKeys,
      routes,
      policy: () => policy,
      bodyLimit: config.limits.bodyBytes,
      clientWriteMs: config.limits.clientWriteMs,
      clients: {
        connections: clientConnections,
        headersMs: config.limits.clientHeadersMs,
        keepAliveMs: config.limits.clientKeepAliveMs,
      },
      intake: { bodyTimeoutMs: config.intake.bodyTimeoutMs, maxDepth: config.intake.maxDepth, maxObjectKeys: config.intake.maxObjectKeys },
      logger,
      state,
      plugins: [
        (app) => controlPlane(app, { scrubber }),
        config.oidc && sessions ? (app: FastifyInstance) => oidcSignIn(app, { config: config.oidc!, auth, sessions, dispatcher: ownCalls }) : sessionProbeWithoutSso,
        (app) => registerMetricsRoute(app, { telemetry }),
        (app) => whoamiRoute(app, { auth }),
        (app) => changeRoutes(app, { changes, auth }),
        (app) => keyAdminRoutes(app, { store: keyStore, configured: config.keys, auth, changes, spent: (keyId) => limits.budgets.spent(`key:${keyId}`) }),
        (app) =>
          policyAdminRoutes(app, {
            store: policy,
            auth,
            changes,
            vocabulary: () => ({
              providers: Object.keys(config.providers),
              models: routes.all().map((r) => ({ name: r.name, provider: r.providerId, provider_kind: r.providerKind, external: r.external, upstream_model: r.upstreamModel, revision: r.revision ?? '', licence: r.licence })),
              data_classes: [...new Set(detectors.map((d) => d.dataClass))].sort(),
            }),
          }),
        (app) =>
          auditAdminRoutes(app, {
            log: audit,
            auth,
            witnesses: config.audit.witnesses?.length ? { keys: config.audit.witnesses.map((w) => w.key), quorum: config.audit.witnessQuorum ?? config.audit.witnesses.length } : undefined,
          }),
        (app) => provenanceTokenRoutes(app, { log: audit, auth, tokens: provenanceTokens }),
        // Meaning too when it is on; without its model the route refuses as admission does, rather than answer by words alone.
        (app) =>
          provenanceAdminRoutes(app, {
            provenance: {
              async detectAll(texts) {
                const words = await provenance.detectAll(texts);
                return semantic ? Promise.all(words.map((w, i) => detectWithMeaning(w, texts[i], semantic))) : words;
              },
            },
            meaning: semantic ? { unavailable: () => semantic.unavailable } : undefined,
            auth,
          }),
        (app) => distillationRoutes(app, { monitor: distillation, auth, changes }),
        (app) => trainingFeedRoutes(app, { feed, auth, keys }),
        (app) => consoleRoutes(app, readConsoleFiles(consoleDir())),
      ],
    });
    closers.unshift(() => app.close());
    const feedLag = setInterval(() => telemetry.setFeedLag(feed.stats().pending), 5_000);
    feedLag.unref();
    closers.push(async () => clearInterval(feedLag));
    const address = await app.listen({ host: config.server.host, port: config.server.port });
    const url = address.replace('[::1]', '127.0.0.1');
    let closed: Promise<void> | undefined;
    const close = () =>
      (closed ??= (async () => {
        for (const close of closers) await close().catch((err: unknown) => logger.error({ err }, 'error while closing'));
        await ownCalls.close().catch(() => undefined);
        await telemetry.shutdown();
      })());
    return {
      url,
      state,
      close,
      async shutdown() {
        const result = await drain(app, state, { drainMs: config.server.drainMs, log: logger });
        await close();
        return result;
      },
    };
  } catch (err) {
    for (const close of closers.reverse()) await close().catch(() => undefined);
    await ownCalls.close().catch(() => undefined);
    throw err;
  }
}

/**
 * Test hook for test/shutdown.test.ts where no small tmpfs can be mounted (no root): once the file named
 * by TERMSGATE_TEST_AUDIT_ENOSPC_WHEN exists, appends fail as on a full disk. Unset, the log is returned as it is.
 */
function withFaultHook(audit: AuditSink): AuditSink {
  const when = process.env.TERMSGATE_TEST_AUDIT_ENOSPC_WHEN;
  if (!when) return audit;
  return {
    append: (record, content) => (existsSync(when) ? Promise.reject(Object.assign(new Error('ENOSPC: no space left on device, write (test hook)'), { code: 'ENOSPC' })) : audit.append(record, content)),
    close: () => audit.close(),
  };
}
