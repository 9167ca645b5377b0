{{/*
Ingress: from the fleet's own pods (and, for the gateway, from anywhere: it is the entry point) on the HTTP
port, plus networkPolicy.extraIngress (e.g. Prometheus). Egress: DNS, the fleet's pods, and the ports of the
outside services (Supabase Postgres and pooler, Redis, Stripe/HTTPS) in networkPolicy.egressPorts.
*/}}
{{- define "common.networkpolicy" -}}
{{- if .Values.networkPolicy.enabled }}
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: {{ include "common.names.fullname" . }}
  namespace: {{ .Release.Namespace | quote }}
  labels:
    {{- include "common.labels.standard" . | nindent 4 }}
spec:
  podSelector:
    matchLabels:
      {{- include "common.labels.matchLabels" . | nindent 6 }}
  policyTypes:
    - Ingress
    - Egress
  ingress:
    - ports:
        - port: http
          protocol: TCP
      {{- if not .Values.networkPolicy.allowIngressFromAnywhere }}
      from:
        - podSelector:
            matchLabels:
              app.kubernetes.io/part-of: groundwork
              app.kubernetes.io/instance: {{ .Release.Name }}
        {{- with .Values.networkPolicy.extraIngress }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
      {{- end }}
  egress:
    - ports:
        - port: 53
          protocol: UDP
        - port: 53
          protocol: TCP
    - to:
        - podSelector:
            matchLabels:
              app.kubernetes.io/part-of: groundwork
              app.kubernetes.io/instance: {{ .Release.Name }}
      ports:
        - port: 8080
          protocol: TCP
    {{- with .Values.networkPolicy.egressPorts }}
    - ports:
        {{- range . }}
        - port: {{ . }}
          protocol: TCP
        {{- end }}
    {{- end }}
{{- end }}
{{- end -}}
