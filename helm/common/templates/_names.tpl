{{/* The chart's name, overridable with nameOverride. */}}
{{- define "common.names.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* <release>-<name>, or the release name alone when it already contains the name; fullnameOverride wins. */}}
{{- define "common.names.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := include "common.names.name" . -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* The fullname another Groundwork chart of the same release gets: common.names.sibling (dict "context" . "chart" "auth-service"). */}}
{{- define "common.names.sibling" -}}
{{- if contains .chart .context.Release.Name -}}
{{- .context.Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .context.Release.Name .chart | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "common.names.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/*
The image reference, registry/repository:tag. global.imageRegistry (a mirror for the whole fleet) wins over
image.registry; the tag defaults to the chart's appVersion (the pipeline stamps it with the image tag), never "latest".
*/}}
{{- define "common.image" -}}
{{- $tag := default .Chart.AppVersion .Values.image.tag -}}
{{- if eq $tag "latest" -}}
{{- fail "image.tag must be a pinned version, not \"latest\"" -}}
{{- end -}}
{{- $registry := default .Values.image.registry (.Values.global).imageRegistry -}}
{{- if $registry -}}
{{- printf "%s/%s:%s" (trimSuffix "/" $registry) .Values.image.repository $tag -}}
{{- else -}}
{{- printf "%s:%s" .Values.image.repository $tag -}}
{{- end -}}
{{- end -}}

{{/*
global.publicBaseUrl (the URL clients reach the gateway at) as the env var a service reads it from, unless the
chart's env map sets that var itself:
  include "common.publicBaseUrl" (dict "context" . "env" "AUTH_PUBLIC_BASE_URL")
*/}}
{{- define "common.publicBaseUrl" -}}
{{- $url := (.context.Values.global).publicBaseUrl -}}
{{- if and $url (not (hasKey .context.Values.env .env)) }}
- name: {{ .env }}
  value: {{ $url | quote }}
{{- end }}
{{- end -}}
