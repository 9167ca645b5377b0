{{/* Env vars of this service beyond the shared infrastructure ones. */}}
{{- define "payment-service.env" -}}
{{- include "common.secrets.env" (dict "env" "STRIPE_SECRET_KEY" "secret" .Values.stripe.existingSecret "key" .Values.stripe.secretKeyKey "value" "stripe.existingSecret") }}
{{ include "common.secrets.env" (dict "env" "STRIPE_WEBHOOK_SECRETS" "secret" .Values.stripe.existingSecret "key" .Values.stripe.webhookSecretsKey "value" "stripe.existingSecret") }}
- name: PAYMENT_AUTH_URL
  value: {{ default (printf "http://%s:8080" (include "common.names.sibling" (dict "context" $ "chart" "auth-service"))) .Values.authUrl | quote }}
{{- range $plan, $definition := .Values.plans }}
- name: PAYMENT_PLANS_{{ upper $plan }}_PRICES
  value: {{ join "," $definition.prices | quote }}
{{- with $definition.entitlements }}
- name: PAYMENT_PLANS_{{ upper $plan }}_ENTITLEMENTS
  value: {{ join "," . | quote }}
{{- end }}
{{- end }}
{{- with .Values.redirectOrigins }}
- name: PAYMENT_REDIRECT_ORIGINS
  value: {{ join "," . | quote }}
{{- end }}
{{- end -}}
