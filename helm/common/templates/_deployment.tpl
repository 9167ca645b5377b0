{{/*
The Deployment of a Groundwork service: non-root, read-only root filesystem (an emptyDir for /tmp, where
Vert.x and Quarkus write), all capabilities dropped, seccomp RuntimeDefault, probes on /q/health/* of the
management interface (port 9000, never routed by the Ingress), secrets only through secretKeyRef, and a
graceful shutdown (common.shutdown.check).
  include "common.deployment" (dict "context" . "extraEnv" (include "payment-service.env" .))
*/}}
{{- define "common.deployment" -}}
{{- $ := .context -}}
{{- $v := $.Values -}}
{{- include "common.shutdown.check" $ -}}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "common.names.fullname" $ }}
  namespace: {{ $.Release.Namespace | quote }}
  labels:
    {{- include "common.labels.standard" $ | nindent 4 }}
spec:
  {{- if not $v.autoscaling.enabled }}
  replicas: {{ $v.replicaCount }}
  {{- end }}
  revisionHistoryLimit: 5
  selector:
    matchLabels:
      {{- include "common.labels.matchLabels" $ | nindent 6 }}
  template:
    metadata:
      labels:
        {{- include "common.labels.standard" $ | nindent 8 }}
      {{- with $v.podAnnotations }}
      annotations:
        {{- toYaml . | nindent 8 }}
      {{- end }}
    spec:
      automountServiceAccountToken: false
      terminationGracePeriodSeconds: {{ $v.shutdown.terminationGracePeriodSeconds }}
      securityContext:
        {{- toYaml $v.podSecurityContext | nindent 8 }}
      {{- with $v.imagePullSecrets }}
      imagePullSecrets:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      affinity:
        {{- if $v.affinity }}
        {{- toYaml $v.affinity | nindent 8 }}
        {{- else }}
        podAntiAffinity:
          preferredDuringSchedulingIgnoredDuringExecution:
            - weight: 100
              podAffinityTerm:
                topologyKey: kubernetes.io/hostname
                labelSelector:
                  matchLabels:
                    {{- include "common.labels.matchLabels" $ | nindent 20 }}
        {{- end }}
      {{- with $v.nodeSelector }}
      nodeSelector:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $v.tolerations }}
      tolerations:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      containers:
        - name: {{ include "common.names.name" $ }}
          image: {{ include "common.image" $ | quote }}
          imagePullPolicy: {{ $v.image.pullPolicy }}
          ports:
            - name: http
              containerPort: 8080
              protocol: TCP
            # Quarkus' management interface: /q/health/* and /q/metrics, for probes and Prometheus only.
            - name: management
              containerPort: 9000
              protocol: TCP
          env:
            - name: QUARKUS_HTTP_PORT
              value: "8080"
            - name: QUARKUS_MANAGEMENT_PORT
              value: "9000"
            - name: QUARKUS_SHUTDOWN_TIMEOUT
              value: "{{ $v.shutdown.timeoutSeconds }}s"
            {{- include "common.secrets.infrastructureEnv" $ | nindent 12 }}
            {{- with include "common.sentry.env" $ }}
            {{- . | nindent 12 }}
            {{- end }}
            {{- with .extraEnv }}
            {{- . | nindent 12 }}
            {{- end }}
            {{- range $name, $value := $v.env }}
            - name: {{ $name }}
              value: {{ $value | quote }}
            {{- end }}
          lifecycle:
            # Endpoints and ingress controllers take a few seconds to forget a terminating pod: keep serving
            # meanwhile; Quarkus gets SIGTERM only after this.
            preStop:
              exec:
                command: ["sleep", "{{ $v.shutdown.preStopSleepSeconds }}"]
          securityContext:
            {{- toYaml $v.containerSecurityContext | nindent 12 }}
          resources:
            {{- toYaml $v.resources | nindent 12 }}
          startupProbe:
            httpGet:
              path: /q/health/started
              port: management
            {{- toYaml $v.probes.startup | nindent 12 }}
          livenessProbe:
            httpGet:
              path: /q/health/live
              port: management
            {{- toYaml $v.probes.liveness | nindent 12 }}
          readinessProbe:
            httpGet:
              path: /q/health/ready
              port: management
            {{- toYaml $v.probes.readiness | nindent 12 }}
          volumeMounts:
            - name: tmp
              mountPath: /tmp
      volumes:
        - name: tmp
          emptyDir:
            sizeLimit: {{ $v.tmpSizeLimit }}
{{- end -}}


{{/* The pod must outlive preStop's sleep plus Quarkus' shutdown timeout, or Kubernetes kills in-flight requests. */}}
{{- define "common.shutdown.check" -}}
{{- $s := .Values.shutdown -}}
{{- if ge (add $s.preStopSleepSeconds $s.timeoutSeconds) (int64 $s.terminationGracePeriodSeconds) -}}
{{- fail (printf "shutdown.preStopSleepSeconds (%v) + shutdown.timeoutSeconds (%v) must be less than shutdown.terminationGracePeriodSeconds (%v): Kubernetes kills the pod at the grace period, cutting off in-flight requests" $s.preStopSleepSeconds $s.timeoutSeconds $s.terminationGracePeriodSeconds) -}}
{{- end -}}
{{- end -}}
