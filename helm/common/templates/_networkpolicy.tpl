{{/*
The NetworkPolicy of a Groundwork service, after DESIGN.md's "Who talks to whom". Fleet pods are selected by
app.kubernetes.io/part-of: groundwork, never by release, so that services installed as separate releases reach
each other.
  include "common.networkpolicy" (dict "context" . "httpFrom" "fleet" "fleetPorts" (list 8080 9000) "egressPorts" (list 587))
httpFrom: who may call the HTTP port (8080): "anywhere" (the gateway, the entry point), "fleet" (auth-service for
  OIDC discovery and JWKS, monitoring-service for Sentry envelopes), or "gateway" (the default: routes only).
fleetPorts: the fleet pods' ports this service calls (default 8080: auth-service and monitoring-service, and the
  gateway's routes; monitoring-service adds 9000 for readiness polling).
egressPorts: TCP ports out to anywhere on top of networkPolicy.egressPorts (auth-service's SMTP port).
Ingress to the management port (9000): networkPolicy.prometheus and monitoring-service.
*/}}
{{- define "common.networkpolicy" -}}
{{- $ := .context -}}
{{- $np := $.Values.networkPolicy -}}
{{- if $np.enabled }}
{{- $httpFrom := default "gateway" .httpFrom -}}
{{- $egressPorts := concat $np.egressPorts (default (list) .egressPorts) | uniq -}}
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: {{ include "common.names.fullname" $ }}
  namespace: {{ $.Release.Namespace | quote }}
  labels:
    {{- include "common.labels.standard" $ | nindent 4 }}
spec:
  podSelector:
    matchLabels:
      {{- include "common.labels.matchLabels" $ | nindent 6 }}
  policyTypes:
    - Ingress
    - Egress
  ingress:
    - ports:
        - port: http
          protocol: TCP
      {{- if ne $httpFrom "anywhere" }}
      from:
        - podSelector:
            matchLabels:
              app.kubernetes.io/part-of: groundwork
              {{- if eq $httpFrom "gateway" }}
              app.kubernetes.io/name: gateway
              {{- end }}
        {{- with $np.extraIngress }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
      {{- end }}
    - ports:
        - port: management
          protocol: TCP
      from:
        - podSelector:
            matchLabels:
              app.kubernetes.io/part-of: groundwork
              app.kubernetes.io/name: monitoring-service
        {{- with $np.prometheus }}
        - {{- toYaml . | nindent 10 }}
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
      ports:
        {{- range (default (list 8080) .fleetPorts) }}
        - port: {{ . | int }}
          protocol: TCP
        {{- end }}
    {{- with $egressPorts }}
    - ports:
        {{- range . }}
        - port: {{ . | int }}
          protocol: TCP
        {{- end }}
    {{- end }}
    {{- with $np.extraEgress }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
{{- end }}
{{- end -}}
