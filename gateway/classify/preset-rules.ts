// The credential types of secretlint's recommended preset (@secretlint/secretlint-rule-preset-recommend
// 13.1.0, MIT) that neither gitleaks' rules nor the detector table find, kept as data: each pattern is the
// preset's own, copied verbatim, with the keywords that must occur for it to be tried. Running the preset
// itself cost more than every other detector together (each rule re-reads the whole text and reports
// through its framework on every call); these run in the keyword pass of gitleaks-rules.ts instead. The
// preset's samples (fixtures/secretlint-samples.json, scripts/secretlint-samples.ts) prove that its types
// are all still found (secretlint-coverage.test.ts); rerun both when the preset is upgraded.

export interface PresetRule {
  /** The preset's rule id, without `@secretlint/secretlint-rule-`. */
  id: string;
  /** The finding's kind (camelCase), as the preset names its message. */
  kind: string;
  dataClass: string;
  pattern: RegExp;
  /** Lower case; the rule is tried only on a text holding one of them. */
  keywords: string[];
  /** The preset's checks on a match beyond its pattern (placeholders, template variables). */
  accept?(groups: Record<string, string | undefined>): boolean;
}

// The preset's placeholder list and template-variable shapes for credentials in URLs, as it checks them.
const PLACEHOLDERS = ['localhost', '127.0.0.1', 'password', 'mypassword', 'myusername', '{password}', '${password}', '{{password}}', '{username}', '${username}', '{{username}}', 'YOUR_PASSWORD', 'YOUR_USERNAME', 'REPLACE_WITH_PASSWORD', 'REPLACE_WITH_USERNAME'].map((p) => p.toLowerCase());
const VARIABLE = [/\$\{[^}]{1,50}\}/, /\{\{[^}]{1,50}\}\}/, /\{[^}]{1,50}\}/, /%[A-Z_]{1,30}%/, /\$[A-Z_]{1,30}/, /\$\([^)]{1,50}\)/];
const isVariable = (s: string) => VARIABLE.some((v) => v.test(s));
const repeated = (s: string) => /^(.)\1{3,}$/.test(s);

/** basicauth: a user and password that look real (neither holds a placeholder or a variable). */
function realUserAndPassword(g: Record<string, string | undefined>): boolean {
  const user = g.user ?? '';
  const password = g.password ?? '';
  const placeholder = (s: string) => PLACEHOLDERS.some((p) => s.toLowerCase().includes(p));
  return user.length >= 2 && !isVariable(user) && !placeholder(user) && password.length >= 4 && !isVariable(password) && !placeholder(password) && !repeated(password);
}

/** database-connection-string: credentials present, not the user repeated, not exactly a placeholder. */
function realCredential(g: Record<string, string | undefined>): boolean {
  const user = g.username;
  const password = g.password;
  if (!user || !password || user === password || password.length < 4) return false;
  return !isVariable(password) && !PLACEHOLDERS.includes(password.toLowerCase()) && !repeated(password);
}

const DB_TAIL = String.raw`:\/\/(?:(?<username>[^:\/\s]{1,100}):(?<password>[^@\/\s]{1,200})@)?(?<host>[^\/\s?]{1,100})(?:\/(?<database>[^?\s]{0,100}))?(?:\?(?<options>[^\s]{0,500}))?`;

export const presetRules: PresetRule[] = [
  {
    id: 'basicauth',
    kind: 'BasicAuth',
    dataClass: 'secret.token',
    pattern: /(?<protocol>(?:https?|ftp|ftps)):\/\/(?<user>[-a-zA-Z0-9_]{1,256}):(?<password>[-a-zA-Z0-9_]{1,256})@[-a-zA-Z0-9%._+~#=]{1,256}\.[a-zA-Z0-9()]{1,6}\b/g,
    keywords: ['http', 'ftp'],
    accept: realUserAndPassword,
  },
  { id: 'database-connection-string', kind: 'MongoDBConnection', dataClass: 'secret.token', pattern: new RegExp(`mongodb(?:\\+srv)?${DB_TAIL}`, 'gi'), keywords: ['mongodb'], accept: realCredential },
  { id: 'database-connection-string', kind: 'MySQLConnection', dataClass: 'secret.token', pattern: new RegExp(`(?:jdbc:)?mysql(?:x)?${DB_TAIL}`, 'gi'), keywords: ['mysql'], accept: realCredential },
  { id: 'database-connection-string', kind: 'PostgreSQLConnection', dataClass: 'secret.token', pattern: new RegExp(`postgres(?:ql)?${DB_TAIL}`, 'gi'), keywords: ['postgres'], accept: realCredential },
  { id: 'cloudflare', kind: 'CloudflareToken', dataClass: 'secret.api_key', pattern: /(?<!\p{L})(?<prefix>cfk|cfut|cfat)_[A-Za-z0-9]{40}[0-9a-f]{8}(?![A-Za-z0-9])/gu, keywords: ['cfk_', 'cfut_', 'cfat_'] },
  { id: 'databricks', kind: 'DatabricksPersonalAccessToken', dataClass: 'secret.api_key', pattern: /(?<!\p{L})dapi[A-Fa-f0-9]{32}(?:-[0-9])?(?![A-Fa-f0-9])/gu, keywords: ['dapi'] },
  { id: 'grafana', kind: 'GrafanaCloudApiToken', dataClass: 'secret.api_key', pattern: /(?<!\p{L})glc_[A-Za-z0-9+/]{32,400}={0,2}(?![A-Za-z0-9+/=])/gu, keywords: ['glc_'] },
  { id: 'grafana', kind: 'GrafanaServiceAccountToken', dataClass: 'secret.api_key', pattern: /(?<!\p{L})glsa_[A-Za-z0-9]{32}_[A-Fa-f0-9]{8}(?![A-Fa-f0-9])/gu, keywords: ['glsa_'] },
  { id: 'groq', kind: 'GroqApiKey', dataClass: 'secret.api_key', pattern: /(?<!\p{L})gsk_[a-zA-Z0-9]{52}(?![a-zA-Z0-9])/gu, keywords: ['gsk_'] },
  { id: 'shopify', kind: 'ShopifyKey', dataClass: 'secret.api_key', pattern: /(?<!\p{L})(shppa|shpca|shpat|shpss)_[a-zA-Z0-9]{32,64}(?![a-zA-Z0-9])/gu, keywords: ['shppa_', 'shpca_', 'shpat_', 'shpss_'] },
  { id: 'tailscale', kind: 'TailscaleKey', dataClass: 'secret.api_key', pattern: /(?<!\p{L})tskey-(?<type>[a-z]{2,20})-[0-9A-Za-z_]{8,40}-[0-9A-Za-z_]{16,60}(?![0-9A-Za-z_])/gu, keywords: ['tskey-'] },
  { id: 'vercel', kind: 'VercelToken', dataClass: 'secret.api_key', pattern: /(?<!\p{L})(?<prefix>vcp|vci|vca|vcr|vck)_[A-Za-z0-9]{20,60}(?![A-Za-z0-9])/gu, keywords: ['vcp_', 'vci_', 'vca_', 'vcr_', 'vck_'] },
];
