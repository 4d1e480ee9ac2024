// JSON Schema of the configuration file. Defaults live here too, so a minimal file is a valid one.

const hash = { type: 'string', pattern: '^sha256:[0-9a-f]{64}$' } as const;
const name = { type: 'string', minLength: 1, maxLength: 200 } as const;
const rateLimits = {
  type: 'object',
  additionalProperties: false,
  description: 'Requests and tokens (input estimated before the call, corrected from usage after) per minute; past either the caller gets 429 with retry-after.',
  properties: { requestsPerMinute: { type: 'integer', minimum: 1 }, tokensPerMinute: { type: 'integer', minimum: 1 } },
} as const;
const budget = {
  type: 'object',
  additionalProperties: false,
  description: 'Spend caps in US dollars per UTC day and month.',
  properties: { dailyUsd: { type: 'number', exclusiveMinimum: 0 }, monthlyUsd: { type: 'number', exclusiveMinimum: 0 } },
} as const;

export const configSchema = {
  $id: 'https://termsgate.dev/schema/config.json',
  type: 'object',
  additionalProperties: false,
  required: ['providers', 'models'],
  properties: {
    server: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        host: { type: 'string', default: '127.0.0.1' },
        port: { type: 'integer', minimum: 0, maximum: 65535, default: 8080 },
        // SIGTERM: how long in-flight calls may run before they are ended with an error and a failed record.
        drainMs: { type: 'integer', minimum: 0, maximum: 600_000, default: 25_000 },
        workers: {
          type: 'integer',
          minimum: 1,
          maximum: 64,
          default: 1,
          description:
            'Event loops (processes) serving the one port, each running the whole request path; more than 1 needs the PostgreSQL stores (audit.backend and keyStore.backend postgres), so the log, keys, sessions, rate limits and spend stay one.',
        },
      },
    },
    dataDir: { type: 'string', default: './data' },
    limits: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        bodyBytes: { type: 'integer', minimum: 1024, default: 4 * 1024 * 1024 },
        connectTimeoutMs: { type: 'integer', minimum: 1, default: 5_000, description: 'Time to connect to a provider; past it the caller gets 504.' },
        headersTimeoutMs: { type: 'integer', minimum: 1, default: 120_000, description: "Time from sending a call to the provider's response headers; past it the caller gets 504." },
        bodyTimeoutMs: {
          type: 'integer',
          minimum: 1,
          default: 300_000,
          description: "The idle deadline: the longest a provider may stay silent in the middle of its answer; past it the caller gets 504, or mid-stream an error event and the end.",
        },
        upstreamTotalMs: {
          type: 'integer',
          minimum: 1,
          default: 600_000,
          description: 'The total deadline of one provider call, from sending it to the last byte of the answer, however the answer trickles; past it the caller gets 504, or mid-stream an error event and the end.',
        },
        upstreamAnswerBytes: {
          type: 'integer',
          minimum: 1024,
          default: 32 * 1024 * 1024,
          description: "The most bytes of a provider's successful answer, a JSON answer or a stream in all (which bounds the memory one call can hold); enforced while reading, past it the connection is closed and the caller gets 502, or mid-stream an error event and the end.",
        },
        upstreamEventBytes: {
          type: 'integer',
          minimum: 1024,
          default: 4 * 1024 * 1024,
          description: "The most bytes of one event of a provider's stream (between two event boundaries); enforced while reading, past it the connection is closed and the caller gets 502, or mid-stream an error event and the end.",
        },
        clientWriteMs: {
          type: 'integer',
          minimum: 1,
          default: 30_000,
          description: "The write deadline: the longest a write to a client may wait for the client to read (drain); past it the client is disconnected, the provider call is aborted (its connection released) and the call is recorded failed (499).",
        },
        clientConnections: {
          type: 'integer',
          minimum: 1,
          description: 'The most client connections held at once (each a file descriptor); a connection beyond them is closed at once, before a byte is read. Absent: the open-file limit (ulimit -n) less a reserve of a quarter of it (at least 256), at most 10000. A value that leaves less than that reserve is refused at start.',
        },
        clientHeadersMs: {
          type: 'integer',
          minimum: 1,
          default: 10_000,
          description: "The longest a client may take to send a request's whole head (request line and headers); past it the connection is closed (408) and nothing is admitted or recorded.",
        },
        clientKeepAliveMs: {
          type: 'integer',
          minimum: 1,
          default: 5_000,
          description: 'The longest an idle keep-alive client connection is kept between requests; then it is closed.',
        },
        providerConnections: {
          type: 'integer',
          minimum: 1,
          maximum: 65_536,
          default: 128,
          description: 'The most connections to one provider (its pool), unless the provider sets maxConnections; a call beyond them waits for one, up to providerQueueMs.',
        },
        providerQueueMs: {
          type: 'integer',
          minimum: 1,
          default: 10_000,
          description: 'The longest a call waits for a free connection to its provider (at its share); past it the caller gets 503.',
        },
        providerShare: {
          type: 'number',
          exclusiveMinimum: 0,
          maximum: 1,
          default: 0.5,
          description: "The largest fraction of one provider's connections one caller (see providerShareBy) may hold at once, at least one connection; its further calls wait.",
        },
        providerShareBy: {
          enum: ['key', 'team'],
          default: 'key',
          description: 'Who a share of provider connections belongs to: each virtual key, or each team (all its keys together).',
        },
        retryDeadlineMs: {
          type: 'integer',
          minimum: 0,
          default: 60_000,
          description:
            "The per-call deadline of retries and fallbacks: no further provider attempt begins later than this after the call's first (a wait for backoff or retry-after that would pass it is not made); the caller then gets the last failure.",
        },
      },
    },
    intake: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        bodyTimeoutMs: { type: 'integer', minimum: 1, default: 30_000 },
        maxDepth: { type: 'integer', minimum: 2, maximum: 1000, default: 64 },
        maxObjectKeys: {
          type: 'integer',
          minimum: 16,
          default: 1000,
          description: 'Members of one JSON object in a request body at most (a larger object is refused with 400 before it is parsed: V8 parses 300,000 keys of one object in 200 ms).',
        },
        classifyBudgetMs: { type: 'integer', minimum: 1, default: 10_000 },
        inlineClassifyChars: { type: 'integer', minimum: 0, default: 65_536 },
        classifyThreads: { type: 'integer', minimum: 1, default: 2 },
        classifyInlineWork: { type: 'integer', minimum: 0, default: 16_384 },
        classifyQueueMs: { type: 'integer', minimum: 1, default: 10_000 },
        classifyQueueMax: { type: 'integer', minimum: 0, default: 64 },
        decodedBytes: { type: 'integer', minimum: 0, default: 8 * 1024 * 1024 },
      },
    },
    detector: {
      type: 'object',
      additionalProperties: false,
      required: ['url'],
      properties: {
        url: { type: 'string', format: 'uri', pattern: '^https?://' },
        timeoutMs: { type: 'integer', minimum: 1, default: 2_000, description: 'Total time of one analyzer call, its answer read whole included; past it the analyzer counts as unavailable.' },
        maxAnswerBytes: {
          type: 'integer',
          minimum: 1_024,
          default: 16_777_216,
          description: "Bytes of the analyzer's answer; a longer one is cut while it is read and the analyzer counts as unavailable (fail-closed classes present).",
        },
        language: { type: 'string', default: 'en' },
        scoreThreshold: { type: 'number', minimum: 0, maximum: 1, default: 0.5 },
        entities: {
          type: 'object',
          additionalProperties: { type: 'string', pattern: '^[a-z]+\\.[a-z_]+$' },
          default: { PERSON: 'pii.name', LOCATION: 'pii.location', NRP: 'pii.demographic', MEDICAL_LICENSE: 'pii.national_id', IBAN_CODE: 'pii.bank_account' },
        },
        failClosed: { type: 'array', items: { type: 'string' }, default: [] },
      },
    },
    providers: {
      type: 'object',
      minProperties: 1,
      propertyNames: { pattern: '^[a-z0-9][a-z0-9_-]*$' },
      additionalProperties: {
        type: 'object',
        additionalProperties: false,
        required: ['kind', 'baseUrl'],
        properties: {
          kind: { enum: ['openai', 'anthropic', 'openai-compatible', 'gemini', 'azure-openai', 'bedrock'] },
          baseUrl: { type: 'string', format: 'uri', pattern: '^https?://' },
          apiKeyEnv: { type: 'string', pattern: '^[A-Z_][A-Z0-9_]*$' },
          auth: {
            enum: ['api-key', 'google-adc', 'entra-id'],
            default: 'api-key',
            description:
              'api-key: the key in apiKeyEnv (or none). google-adc (kind gemini, for Vertex AI: baseUrl https://LOCATION-aiplatform.googleapis.com/v1/projects/PROJECT/locations/LOCATION/publishers/google): a bearer token from Google Application Default Credentials (GOOGLE_APPLICATION_CREDENTIALS, workload identity, the metadata server). entra-id (kind azure-openai): a bearer token from Microsoft Entra ID via DefaultAzureCredential (AZURE_* environment, AKS workload identity, managed identity). Kind bedrock always signs with the standard AWS credential chain.',
          },
          external: {
            type: 'boolean',
            default: true,
            description: 'Whether calls leave the company (personal-data and secret rules for external providers apply). Every provider is external unless this is set to false explicitly, for a self-hosted deployment.',
          },
          anthropicVersion: { type: 'string', default: '2023-06-01' },
          region: {
            type: 'string',
            pattern: '^[a-z]{2}(-[a-z]+)+-\\d$',
            description: 'bedrock: the AWS region calls are signed for (SigV4); the model entry\'s upstreamModel is the model or inference profile id. Credentials come from the standard AWS chain: the AWS_* environment, shared profiles and SSO (AWS_PROFILE), web identity (EKS), the ECS container endpoint, EC2 instance metadata.',
          },
          apiVersion: {
            type: 'string',
            pattern: '^\\d{4}-\\d{2}-\\d{2}(-preview)?$',
            description: 'azure-openai: the api-version query parameter of every call (2024-10-21 when absent); the model entry\'s upstreamModel is the deployment name.',
          },
          /** The most connections to this provider; limits.providerConnections when absent. */
          maxConnections: { type: 'integer', minimum: 1, maximum: 65_536 },
          /** The catalogue entry of the agreement this provider is used under (its business or consumer terms). */
          licence: { type: 'string', pattern: '^[a-z0-9][a-z0-9.-]*$' },
          proxy: {
            type: 'string',
            pattern: '^(direct|https?://[^/@\\s]+/?)$',
            description:
              'The egress proxy for this provider (an http:// or https:// URL without credentials), in place of HTTPS_PROXY, HTTP_PROXY and NO_PROXY; "direct" connects directly even when those are set. A proxy that needs credentials takes them from HTTPS_PROXY.',
          },
          retry: {
            type: 'object',
            additionalProperties: false,
            default: {},
            description: 'Retries of a call to this provider on a connection error, 408, 429 or 5xx, before any byte reached the caller: exponential backoff with full jitter, at least what retry-after asks, within limits.retryDeadlineMs.',
            properties: {
              maxRetries: { type: 'integer', minimum: 0, maximum: 10, default: 0, description: 'Retries after the first attempt; 0 (the default) retries nothing.' },
              baseDelayMs: { type: 'integer', minimum: 1, default: 250, description: 'The backoff before retry n is a random time up to baseDelayMs × 2^n, at most maxDelayMs.' },
              maxDelayMs: { type: 'integer', minimum: 1, default: 8_000, description: 'The most a backoff waits (retry-after may ask for longer, within the deadline).' },
            },
          },
          caFile: {
            type: 'string',
            minLength: 1,
            description: "A PEM file of CA certificates trusted for this provider and its proxy, in addition to the public roots (a TLS-inspecting proxy's CA, a private provider's); relative to the configuration file.",
          },
        },
      },
    },
    models: {
      type: 'object',
      minProperties: 1,
      additionalProperties: {
        type: 'object',
        additionalProperties: false,
        required: ['provider', 'upstreamModel'],
        properties: {
          provider: name,
          upstreamModel: name,
          /** The checkpoint commit served; a catalogue entry pinned to a revision applies only to it. */
          revision: { type: 'string', pattern: '^[0-9a-f]{7,40}$' },
          /** The catalogue entry for this model; defaults to its provider's licence. */
          licence: { type: 'string', pattern: '^[a-z0-9][a-z0-9.-]*$' },
          fallbacks: {
            type: 'array',
            items: name,
            uniqueItems: true,
            maxItems: 10,
            description:
              "Models tried in order when this one's provider fails (a connection error, 408, 429 or 5xx after its retries). Each is a new policy decision for that model: one the policy denies is skipped, and the answer's trainability, provenance token and audit record follow the model that answered.",
          },
        },
      },
    },
    keys: {
      type: 'array',
      default: [],
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['id', 'hash', 'team'],
        properties: {
          id: name,
          hash,
          team: name,
          project: { type: 'string', default: 'default' },
          defaultPurpose: { type: 'string', default: 'general' },
          allowedPurposes: { type: 'array', items: name, default: ['general'] },
          limits: rateLimits,
          budget,
        },
      },
    },
    spend: {
      type: 'object',
      additionalProperties: false,
      default: {},
      description: 'Budgets of keys and teams (their budget fields): the soft threshold and the hard stop.',
      properties: {
        softPercent: { type: 'number', minimum: 1, maximum: 100, default: 80, description: 'From this percent of a budget, answers carry x-termsgate-budget naming it.' },
        hardStopStatus: { enum: [402, 429], default: 402, description: 'The status once a budget is spent (with retry-after to the next day or month), in the endpoint dialect.' },
      },
    },
    teams: {
      type: 'object',
      default: {},
      description: "Limits and budgets of whole teams (all of a team's keys together), by team name.",
      additionalProperties: { type: 'object', additionalProperties: false, properties: { limits: rateLimits, budget } },
    },
    keyStore: {
      type: 'object',
      additionalProperties: false,
      default: {},
      description: 'Where virtual keys created through /admin/v1/keys are kept: a file under dataDir (one node) or PostgreSQL (a fleet: every replica sees a new key at once and a revocation within pollMs).',
      properties: {
        backend: { enum: ['file', 'postgres'], description: "The store's backend; defaults to audit.backend." },
        postgresUrl: { type: 'string', description: 'The PostgreSQL connection string; defaults to audit.postgresUrl.' },
        schema: { type: 'string', pattern: '^[a-z_][a-z0-9_]*$', default: 'public', description: 'The PostgreSQL schema of the key table.' },
        pollMs: { type: 'integer', minimum: 100, maximum: 60_000, default: 1_000, description: 'How often each replica reads key changes made on the others (revocations take at most this long to reach it).' },
      },
    },
    provenanceIndex: {
      type: 'object',
      additionalProperties: false,
      default: {},
      description: 'Where the fingerprint index of served outputs is kept: LMDB under dataDir (one node) or PostgreSQL rows that every replica follows into a local LMDB (a fleet: an output served by one replica is traced on any other within followMs).',
      properties: {
        backend: { enum: ['lmdb', 'postgres'], description: 'Defaults to postgres when audit.backend is postgres, else lmdb.' },
        postgresUrl: { type: 'string', description: 'The PostgreSQL connection string; defaults to audit.postgresUrl.' },
        schema: { type: 'string', pattern: '^[a-z_][a-z0-9_]*$', default: 'public', description: 'The PostgreSQL schema of the index tables.' },
        followMs: { type: 'integer', minimum: 100, maximum: 60_000, default: 1_000, description: "How often each replica copies the outputs the others served into its local index." },
      },
    },
    tokens: {
      type: 'array',
      default: [],
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['id', 'hash', 'role'],
        properties: {
          id: name,
          hash,
          role: { enum: ['policy-editor', 'auditor', 'admin', 'runner'] },
        },
      },
    },
    policy: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        dir: { type: 'string', default: './policies' },
        bundleUrl: { type: 'string', format: 'uri' },
        pollIntervalMs: { type: 'integer', minimum: 100, default: 10_000 },
        bundleFetchMs: {
          type: 'integer',
          minimum: 100,
          default: 30_000,
          description:
            'Total time one fetch of bundleUrl may take, its answer read whole included; past it the poll is refused and the serving revision keeps serving. The fetch runs outside the lane of activations and rollbacks, which never wait for it.',
        },
        bundleMaxBytes: {
          type: 'integer',
          minimum: 1_048_576,
          default: 67_108_864,
          description: 'Bytes of a fleet bundle, as fetched and again unpacked; a larger one is refused while it is read, never held whole.',
        },
        previewBudgetMs: {
          type: 'integer',
          minimum: 100,
          default: 30_000,
          description: 'Wall-clock budget of one impact preview (dry run), reading the records included; past it the worker thread is terminated and the preview answers 422 (step dry-run-budget).',
        },
        decisionBudgetMs: {
          type: 'integer',
          minimum: 1,
          default: 20,
          description:
            'The longest one decision of a staged candidate may take: before it is made active it decides the last 100 recorded calls in a worker thread, and a candidate with a slower decision, one that fails to decide any of them, or one that cannot decide them within 10 s plus this per call is refused (step decision-budget) and the serving revision keeps serving. Rollbacks are not probed.',
        },
        maxCandidates: { type: 'integer', minimum: 1, default: 20, description: 'Staged candidates kept; staging one more drops the oldest.' },
        candidateTtlMs: { type: 'integer', minimum: 60_000, default: 604_800_000, description: 'Staged candidates older than this are dropped (sources, and the bundle unless it has served).' },
        stagingBytes: {
          type: 'integer',
          minimum: 1_048_576,
          default: 67_108_864,
          description: 'Bytes of staged candidates (sources plus bundles of revisions that never served); a stage that would pass it is refused with 422.',
        },
        watch: {
          type: 'boolean',
          default: true,
          description: 'false: the directory is read once at start; later edits are ignored (a warning logged once, the edit recorded as refused) until a restart.',
        },
        bundleKey: {
          type: 'string',
          minLength: 1,
          description: "The public key (PEM file: RSA, EC P-256/384/521 or Ed25519) fleet bundles must be signed with (OPA's .signatures.json); without it every bundle is refused.",
        },
        bundleToken: {
          type: 'object',
          additionalProperties: false,
          required: ['env'],
          description: 'The environment variable holding a bearer token sent when fetching bundleUrl.',
          properties: { env: { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_]*$' } },
        },
      },
    },
    audit: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        backend: { enum: ['file', 'postgres'], default: 'file' },
        postgresUrl: { type: 'string' },
        schema: { type: 'string', pattern: '^[a-z_][a-z0-9_]*$', default: 'public', description: 'The PostgreSQL schema of the audit tables and the training feed.' },
        origin: { type: 'string', default: 'termsgate.local/audit' },
        checkpointIntervalMs: { type: 'integer', minimum: 100, default: 10_000 },
        syncIntervalMs: { type: 'integer', minimum: 1, default: 5 },
        // The checkpoint key, apart from the data directory: a PEM file elsewhere or an environment variable.
        signer: {
          oneOf: [
            { type: 'object', additionalProperties: false, required: ['file'], properties: { file: { type: 'string', minLength: 1 } } },
            { type: 'object', additionalProperties: false, required: ['env'], properties: { env: { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_]*$' } } },
          ],
        },
        // The provenance tokens' MAC key (32 bytes or more; base64 or hex text, or raw bytes in a file), apart from the data directory.
        tokenKey: {
          oneOf: [
            { type: 'object', additionalProperties: false, required: ['file'], properties: { file: { type: 'string', minLength: 1 } } },
            { type: 'object', additionalProperties: false, required: ['env'], properties: { env: { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_]*$' } } },
          ],
        },
        witnesses: {
          type: 'array',
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['url', 'key'],
            properties: { url: { type: 'string', format: 'uri' }, key: { type: 'string', pattern: '^[^+\\s]+\\+[0-9a-f]{8}\\+[A-Za-z0-9+/=]+$' } },
          },
        },
        witnessQuorum: { type: 'integer', minimum: 1 },
      },
    },
    provenance: {
      type: 'object',
      additionalProperties: false,
      default: {},
      description: 'Training-data provenance (gateway/provenance).',
      properties: {
        semantic: {
          type: 'object',
          additionalProperties: false,
          default: {},
          description:
            'Semantic provenance: restricted outputs indexed as sentence-window embeddings (all-MiniLM-L6-v2), so a reworded copy offered as training data is refused. With the model missing, admission refuses every training record (fail closed).',
          properties: {
            enabled: { type: 'boolean', default: true },
            threshold: { type: 'number', minimum: 0.5, maximum: 1, description: 'Cosine similarity at or above which a window traces to its nearest restricted output (default: the measured one, README).' },
            prefilter: {
              type: 'number',
              minimum: 0,
              maximum: 1,
              description:
                "Coarse similarity (the mean of a window's token vectors, no model pass) a checked window needs to be embedded by the model; windows further from every restricted window are ruled out at a few microseconds each. 0 embeds every window (about 12 ms each). Default: the measured one (README: what it passes and what it loses).",
            },
            modelDir: { type: 'string', minLength: 1, description: 'Folder holding model.onnx and tokenizer.json (default: .models/all-minilm-l6-v2-q in the package, fetched by scripts/setup-models.sh).' },
            priority: {
              enum: ['normal', 'low'],
              default: 'normal',
              description:
                "CPU priority of the embedding thread. 'low' (nice 19, that thread alone) lets the calls being served come first and indexes on idle cores: under sustained peak load the backlog grows and training admission waits for it (up to waitMs, then refuses), instead of every call slowing down.",
            },
            threads: { type: 'integer', minimum: 1, maximum: 64, default: 1, description: 'Inference threads of the embedding worker: restricted outputs are indexed at about 6 a second per thread on a loaded 2-core machine (README).' },
            waitMs: {
              type: 'integer',
              minimum: 100,
              default: 10_000,
              description: 'How long training admission waits for the index to catch up with every restricted output served before the call; past it the record is refused for training (fail closed) and the answer goes out without it.',
            },
            maxRecordChars: {
              type: 'integer',
              minimum: 1_024,
              default: 131_072,
              description: 'The longest training record (prompt and answer as stored) checked by meaning: every window is one model pass, so a longer record is refused for training (fail closed) rather than hold its answer for minutes.',
            },
            retentionCheckMs: {
              type: 'integer',
              minimum: 1_000,
              default: 60_000,
              description: 'How often the gateway looks for a retention cutoff set by `termsgate audit purge-content` and forgets the restricted outputs served before it from its meaning index (graph, log and saved graph).',
            },
            maxBacklog: {
              type: 'integer',
              minimum: 1,
              default: 20_000,
              description: 'Restricted outputs waiting to be indexed at most. One more cannot be indexed, so training admission refuses every record (fail closed), after a restart too until retention forgets the outputs missed or an operator deletes the gap file beside the meaning log, and the memory the backlog holds stays bounded.',
            },
            maxBacklogChars: {
              type: 'integer',
              minimum: 1,
              default: 67_108_864,
              description: 'Characters of the restricted outputs waiting to be indexed at most (the backlog holds their text until it is embedded; an output may be megabytes). An output that would pass it cannot be indexed, so training admission refuses every record (fail closed), after a restart too until retention forgets the outputs missed or an operator deletes the gap file beside the meaning log.',
            },
          },
        },
        detection: {
          type: 'object',
          additionalProperties: false,
          default: {},
          description:
            'Detection by marks and words of long texts (training records, the detect route): on threads that read the index on disk, so a record of megabytes (1–4 ms of detection per KB) does not hold up other calls. A detection that finds no thread in time, or runs past its budget, refuses the record for training (fail closed).',
          properties: {
            inlineChars: { type: 'integer', minimum: 0, default: 8_192, description: 'Texts of at most this many characters are detected on the event loop (tens of ms at most); longer ones on a thread.' },
            threads: { type: 'integer', minimum: 1, maximum: 64, default: 1 },
            budgetMs: { type: 'integer', minimum: 1_000, default: 120_000, description: 'Time one detection may take on a thread.' },
            queueMs: { type: 'integer', minimum: 1, default: 30_000, description: 'How long a detection may wait for a thread.' },
            queueMax: { type: 'integer', minimum: 0, default: 16, description: 'Detections that may wait for a thread; one more is refused at once.' },
          },
        },
      },
    },
    distillation: {
      type: 'object',
      additionalProperties: false,
      default: {},
      description: 'The distillation-signature monitor (gateway/distillation): alerts when a scope’s risk rises.',
      properties: {
        webhooks: {
          type: 'array',
          default: [],
          description: 'Each URL receives a JSON POST when a key’s, project’s, team’s or provider’s distillation risk rises to its level or above.',
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['url'],
            properties: {
              url: { type: 'string', format: 'uri', description: 'Where the alert is POSTed (JSON: scope, level, before, score, signals with example decision ids, time).' },
              level: { enum: ['medium', 'high'], default: 'high', description: 'The level at which to alert: a rise from below it to it or above.' },
              tokenEnv: { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_]*$', description: 'The environment variable holding a bearer token sent with each alert.' },
            },
          },
        },
      },
    },
    // Single sign-on for the control plane (gateway/auth/oidc*.ts); static tokens stay for automation.
    oidc: {
      type: 'object',
      additionalProperties: false,
      required: ['issuer', 'clientId', 'roles'],
      properties: {
        issuer: { type: 'string', format: 'uri' },
        clientId: { type: 'string', minLength: 1 },
        clientSecretEnv: { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_]*$' },
        redirectUri: { type: 'string', format: 'uri' },
        scopes: { type: 'array', items: { type: 'string', pattern: '^\\S+$' }, default: ['openid', 'email', 'profile'] },
        roleClaim: { type: 'string', minLength: 1, default: 'groups' },
        roles: { type: 'object', minProperties: 1, additionalProperties: { enum: ['admin', 'policy-editor', 'auditor'] } },
        sessionTtlSeconds: { type: 'integer', minimum: 60, maximum: 86_400, default: 28_800 },
      },
    },
    demo: {
      type: 'object',
      additionalProperties: false,
      properties: { mockPort: { type: 'integer', minimum: 0, maximum: 65535 } },
    },
  },
} as const;
