// Provider credentials that expire, each from its cloud's own standard chain; the SDKs' providers cache
// them and fetch new ones before they run out:
// - AWS, for Bedrock (@aws-sdk/credential-provider-node): the environment, shared profiles and SSO, web
//   identity (EKS service accounts), the ECS container endpoint, EC2 instance metadata;
// - Google Application Default Credentials, for Vertex AI (google-auth-library): GOOGLE_APPLICATION_CREDENTIALS
//   (a service-account key or workload identity federation file), the metadata server (GKE workload identity);
// - Microsoft Entra ID, for Azure OpenAI (@azure/identity's DefaultAzureCredential): the AZURE_* environment,
//   AKS workload identity, managed identity, the Azure CLI.
// Every secret a chain yields reaches the scrubber (`reveal`) before it is sent, so a provider echoing it
// or an SDK's error naming it cannot carry it into an answer or a log. The chains read the process
// environment themselves; their token calls go through the provider's egress (token-transport.ts), so they
// leave by the provider's proxy as its calls do, while metadata endpoints on the node are reached directly.
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { GoogleAuth } from 'google-auth-library';
import { DefaultAzureCredential } from '@azure/identity';
import type { TokenTransport } from './token-transport.js';

/** Hands secret values to the scrubber. */
export type Reveal = (secrets: string[]) => void;

/** The headers that authenticate one call, fetched (or taken from the chain's cache) just before it is sent. */
export type AuthHeaderSource = () => Promise<Record<string, string>>;

/** Why a chain gave no credentials, with the provider named and nothing secret (the SDKs' messages name sources, not values). */
export class CredentialsUnavailable extends Error {}

const GOOGLE_SCOPE = 'https://www.googleapis.com/auth/cloud-platform';
const AZURE_OPENAI_SCOPE = 'https://cognitiveservices.azure.com/.default';

export type AwsCredentials = ReturnType<typeof defaultProvider>;

export function awsCredentialChain(providerId: string, reveal: Reveal, transport: TokenTransport): AwsCredentials {
  // The STS and SSO clients the chain creates take this handler; instance and container metadata use their own, direct.
  const chain = defaultProvider({ clientConfig: { requestHandler: transport.smithyHandler } });
  return async () => {
    let creds: Awaited<ReturnType<AwsCredentials>>;
    try {
      creds = await chain();
    } catch (err) {
      throw new CredentialsUnavailable(`provider ${providerId}: no AWS credentials from the standard chain (${firstLine(err)})`);
    }
    reveal([creds.secretAccessKey, ...(creds.sessionToken ? [creds.sessionToken] : [])]);
    return creds;
  };
}

export function googleBearer(providerId: string, reveal: Reveal, transport: TokenTransport): AuthHeaderSource {
  const auth = new GoogleAuth({ scopes: [GOOGLE_SCOPE], clientOptions: { transporterOptions: { fetchImplementation: transport.fetch } } });
  return async () => {
    let token: string | null | undefined;
    try {
      token = await auth.getAccessToken();
    } catch (err) {
      throw new CredentialsUnavailable(`provider ${providerId}: no Google credentials from Application Default Credentials (${firstLine(err)})`);
    }
    if (!token) throw new CredentialsUnavailable(`provider ${providerId}: Application Default Credentials gave no access token`);
    reveal([token]);
    return { authorization: `Bearer ${token}` };
  };
}

export function entraBearer(providerId: string, reveal: Reveal, transport: TokenTransport): AuthHeaderSource {
  const credential = new DefaultAzureCredential({ httpClient: transport.azureHttpClient });
  return async () => {
    let token: string;
    try {
      token = (await credential.getToken(AZURE_OPENAI_SCOPE)).token;
    } catch (err) {
      throw new CredentialsUnavailable(`provider ${providerId}: no Entra ID token from DefaultAzureCredential (${firstLine(err)})`);
    }
    reveal([token]);
    return { authorization: `Bearer ${token}` };
  };
}

/** An SDK's error, cut to its first line and a bounded length: some chains list every source they tried. */
function firstLine(err: unknown): string {
  return String((err as Error)?.message ?? err).split('\n')[0].slice(0, 300);
}
