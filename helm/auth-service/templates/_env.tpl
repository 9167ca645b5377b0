{{/* Env vars of this service beyond the shared infrastructure ones. */}}
{{- define "auth-service.env" -}}
{{- include "common.secrets.env" (dict "env" "AUTH_SIGNING_KEYS" "secret" .Values.signingKeys.existingSecret "key" .Values.signingKeys.key "value" "signingKeys.existingSecret") }}
{{- with .Values.trustedProxies }}
- name: AUTH_TRUSTED_PROXIES
  value: {{ . | quote }}
{{- end }}
{{- include "common.publicBaseUrl" (dict "context" . "env" "AUTH_PUBLIC_BASE_URL") }}
- name: AUTH_EMAIL_CONFIRM_SIGNUP
  value: {{ .Values.email.confirmSignup | quote }}
{{- with .Values.email.siteUrl }}
- name: AUTH_EMAIL_SITE_URL
  value: {{ . | quote }}
{{- end }}
{{- with .Values.email.from }}
- name: AUTH_EMAIL_FROM
  value: {{ . | quote }}
{{- end }}
{{- with .Values.smtp.host }}
- name: QUARKUS_MAILER_HOST
  value: {{ . | quote }}
- name: QUARKUS_MAILER_PORT
  value: {{ $.Values.smtp.port | quote }}
- name: QUARKUS_MAILER_START_TLS
  value: {{ $.Values.smtp.startTls | quote }}
{{- end }}
{{- with .Values.smtp.existingSecret }}
- name: QUARKUS_MAILER_USERNAME
  valueFrom:
    secretKeyRef:
      name: {{ . | quote }}
      key: {{ $.Values.smtp.usernameKey | quote }}
- name: QUARKUS_MAILER_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ . | quote }}
      key: {{ $.Values.smtp.passwordKey | quote }}
{{- end }}
{{- with .Values.bootstrapAdmin.existingSecret }}
{{ include "common.secrets.env" (dict "env" "AUTH_BOOTSTRAP_ADMIN_EMAIL" "secret" . "key" $.Values.bootstrapAdmin.emailKey "value" "bootstrapAdmin.existingSecret") }}
{{ include "common.secrets.env" (dict "env" "AUTH_BOOTSTRAP_ADMIN_PASSWORD" "secret" . "key" $.Values.bootstrapAdmin.passwordKey "value" "bootstrapAdmin.existingSecret") }}
{{- end }}
{{- end -}}
