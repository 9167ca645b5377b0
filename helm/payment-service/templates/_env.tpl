{{/* Env vars of this service beyond the shared infrastructure ones. */}}
{{- define "payment-service.env" -}}
{{- include "common.secrets.env" (dict "env" "STRIPE_SECRET_KEY" "secret" .Values.stripe.existingSecret "key" .Values.stripe.secretKeyKey "value" "stripe.existingSecret") }}
{{ include "common.secrets.env" (dict "env" "STRIPE_WEBHOOK_SECRETS" "secret" .Values.stripe.existingSecret "key" .Values.stripe.webhookSecretsKey "value" "stripe.existingSecret") }}
{{- end -}}
