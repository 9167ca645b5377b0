#!/bin/sh
# Builds Groundwork's charts the one way that works: each service chart's file://../common dependency first,
# then the umbrella's file:// service charts (which must already carry their common), then helm lint --strict.
#
#   helm/package.sh
#       in place: `helm install groundwork helm/groundwork ...` works afterwards (./groundwork chart runs this)
#   helm/package.sh --version 1.2.3 --app-version v1.2.3 --destination dist
#       packages every chart into dist/ with that chart version and appVersion (the image tag the charts
#       default to); the umbrella depends on exactly that version of each service chart. Works on a copy:
#       the checkout's Chart.yaml files are left alone.
#
# POSIX sh: CI runs it in alpine/helm, which has no bash.
set -eu

SERVICES="gateway auth-service payment-service cache-service monitoring-service"
UMBRELLA=groundwork

usage() {
    echo "usage: $0 [--version SEMVER --app-version TAG --destination DIR]" >&2
}

version=""
app_version=""
destination=""
while [ $# -gt 0 ]; do
    case "$1" in
        --version) [ $# -ge 2 ] || { usage; exit 2; }; version=$2; shift 2 ;;
        --app-version) [ $# -ge 2 ] || { usage; exit 2; }; app_version=$2; shift 2 ;;
        --destination) [ $# -ge 2 ] || { usage; exit 2; }; destination=$2; shift 2 ;;
        -h|--help) usage; exit 0 ;;
        *) echo "$0: unknown argument: $1" >&2; usage; exit 2 ;;
    esac
done
if [ -n "$version$app_version$destination" ] && { [ -z "$version" ] || [ -z "$app_version" ] || [ -z "$destination" ]; }; then
    echo "$0: --version, --app-version and --destination go together" >&2
    usage
    exit 2
fi
command -v helm >/dev/null 2>&1 || { echo "$0: helm is not installed (https://helm.sh/docs/intro/install/)" >&2; exit 1; }

charts=$(cd "$(dirname "$0")" && pwd)

if [ -n "$version" ]; then
    mkdir -p "$destination"
    destination=$(cd "$destination" && pwd)
    staging=$(mktemp -d)
    trap 'rm -rf "$staging"' EXIT
    cp -R "$charts/." "$staging/"
    rm -rf "$staging"/*/charts "$staging"/*/Chart.lock
    charts=$staging
    # The chart version and the image tag (appVersion) of every application chart; the umbrella's dependency
    # constraints (its indented "version:" lines) pin the service charts to the same version.
    for chart in $SERVICES $UMBRELLA; do
        sed -e "s/^version:.*/version: $version/" -e "s/^appVersion:.*/appVersion: \"$app_version\"/" \
            "$charts/$chart/Chart.yaml" > "$charts/$chart/Chart.yaml.new"
        mv "$charts/$chart/Chart.yaml.new" "$charts/$chart/Chart.yaml"
    done
    sed -e "s/^\(    version:\).*/\1 $version/" "$charts/$UMBRELLA/Chart.yaml" > "$charts/$UMBRELLA/Chart.yaml.new"
    mv "$charts/$UMBRELLA/Chart.yaml.new" "$charts/$UMBRELLA/Chart.yaml"
fi

# Order matters: the umbrella packs the service charts as they are, so they need their common first.
for chart in $SERVICES; do
    helm dependency update "$charts/$chart"
done
helm dependency update "$charts/$UMBRELLA"

for chart in common $SERVICES $UMBRELLA; do
    helm lint --strict "$charts/$chart"
done

if [ -n "$version" ]; then
    for chart in $SERVICES $UMBRELLA; do
        helm package "$charts/$chart" --destination "$destination"
    done
fi
