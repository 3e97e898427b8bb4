#!/usr/bin/env bash
# Makes ./busybox-layout, the base image build.strata loads (Debian's busybox-static, umoci).
set -euo pipefail
cd "$(dirname "$0")"
exec bash ../../tests/integration/fixtures/make-busybox-image.sh ./busybox-layout
