{{/* Env vars of this service beyond the shared infrastructure ones. */}}
{{- define "auth-service.env" -}}
{{- include "common.secrets.env" (dict "env" "AUTH_SIGNING_KEYS" "secret" .Values.signingKeys.existingSecret "key" .Values.signingKeys.key "value" "signingKeys.existingSecret") }}
{{- end -}}
