{{- define "termsgate.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "termsgate.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "termsgate.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
app.kubernetes.io/name: {{ include "termsgate.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{- define "termsgate.selectorLabels" -}}
app.kubernetes.io/name: {{ include "termsgate.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: gateway
{{- end }}

{{- define "termsgate.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "termsgate.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "termsgate.image" -}}
{{- printf "%s:%s" .image.repository (default .chart.AppVersion .image.tag) }}
{{- end }}

{{/* More than one gateway pod can run at once. */}}
{{- define "termsgate.multiReplica" -}}
{{- if or .Values.autoscaling.enabled (gt (int .Values.replicaCount) 1) }}true{{ end }}
{{- end }}

{{- define "termsgate.providerKeysSecret" -}}
{{- default (printf "%s-provider-keys" (include "termsgate.fullname" .)) .Values.providerKeys.existingSecret }}
{{- end }}

{{- define "termsgate.signingKeysSecret" -}}
{{- if .Values.signingKeys.existingSecret }}
{{- .Values.signingKeys.existingSecret }}
{{- else if and .Values.signingKeys.ed25519PrivateKeyPem .Values.signingKeys.watermarkMacBase64 }}
{{- printf "%s-signing-keys" (include "termsgate.fullname" .) }}
{{- end }}
{{- end }}

{{- define "termsgate.postgresSecret" -}}
{{- default (printf "%s-postgres" (include "termsgate.fullname" .)) .Values.postgres.existingSecret }}
{{- end }}

{{- define "termsgate.runnerTokenSecret" -}}
{{- default (printf "%s-runner-token" (include "termsgate.fullname" .)) .Values.runner.tokenSecret.name }}
{{- end }}

{{- define "termsgate.policyDir" -}}
{{- if .Values.policies.files }}/etc/termsgate/policies{{ else }}/app/policies{{ end }}
{{- end }}

{{/* Refuses combinations that would run but lose data or signatures. */}}
{{- define "termsgate.validate" -}}
{{- if include "termsgate.multiReplica" . }}
{{- if not .Values.postgres.enabled }}
{{- fail "more than one gateway replica (replicaCount > 1 or autoscaling) needs postgres.enabled: the file audit log is per pod" }}
{{- end }}
{{- if not (include "termsgate.signingKeysSecret" .) }}
{{- fail "more than one gateway replica needs shared signing keys: set signingKeys.existingSecret or signingKeys.ed25519PrivateKeyPem and watermarkMacBase64" }}
{{- end }}
{{- if and .Values.persistence.enabled (not .Values.persistence.existingClaim) (has "ReadWriteOnce" .Values.persistence.accessModes) }}
{{- fail "persistence with ReadWriteOnce cannot be shared by several replicas: disable persistence (PostgreSQL holds the audit log) or use ReadWriteMany" }}
{{- end }}
{{- end }}
{{- if and .Values.config.policy.bundleUrl (not .Values.policyBundleKey.existingSecret) }}
{{- fail "config.policy.bundleUrl needs policyBundleKey.existingSecret: the gateway refuses bundles it cannot verify" }}
{{- end }}
{{- if and .Values.postgres.enabled (not .Values.postgres.host) }}
{{- fail "postgres.enabled needs postgres.host" }}
{{- end }}
{{- if and .Values.postgres.enabled (not .Values.postgres.existingSecret) (not .Values.postgres.password) }}
{{- fail "postgres.enabled needs postgres.existingSecret or postgres.password" }}
{{- end }}
{{- if and .Values.runner.enabled (not .Values.runner.tokenSecret.name) (not .Values.runner.token) }}
{{- fail "runner.enabled needs runner.token or runner.tokenSecret.name" }}
{{- end }}
{{- end }}

{{/*
The pod's grace period: the preStop sleep, the gateway's drain deadline (server.drainMs) and 10 s for
the cut-off calls' records, flushing the audit log and exiting (the gateway forces exit at drain + 5 s).
*/}}
{{- define "termsgate.terminationGracePeriodSeconds" -}}
{{- $needed := add (int .Values.shutdown.preStopSleepSeconds) (int .Values.shutdown.drainSeconds) 10 -}}
{{- if kindIs "invalid" .Values.terminationGracePeriodSeconds -}}
{{- $needed -}}
{{- else -}}
{{- .Values.terminationGracePeriodSeconds -}}
{{- end -}}
{{- end }}

{{/* A CA bundle for egress is mounted. */}}
{{- define "termsgate.egressCa" -}}
{{- if or .Values.egress.caBundle.configMap .Values.egress.caBundle.secret }}true{{ end }}
{{- end }}

{{/* The egress proxy variables and the extra CA bundle, as the gateway (and Node's TLS) read them. */}}
{{- define "termsgate.egressEnv" -}}
{{- with .Values.egress }}
{{- if .proxyUrlSecret.name }}
{{- range $name := list "HTTPS_PROXY" "HTTP_PROXY" }}
- name: {{ $name }}
  valueFrom:
    secretKeyRef:
      name: {{ $.Values.egress.proxyUrlSecret.name }}
      key: {{ $.Values.egress.proxyUrlSecret.key }}
{{- end }}
{{- else }}
{{- with .httpsProxy }}
- name: HTTPS_PROXY
  value: {{ . | quote }}
{{- end }}
{{- with .httpProxy }}
- name: HTTP_PROXY
  value: {{ . | quote }}
{{- end }}
{{- end }}
{{- with .noProxy }}
- name: NO_PROXY
  value: {{ . | quote }}
{{- end }}
{{- end }}
{{- if include "termsgate.egressCa" . }}
- name: NODE_EXTRA_CA_CERTS
  value: /etc/termsgate/egress-ca/ca.crt
{{- end }}
{{- end }}
