#!/bin/sh
# Runs at build time inside the busybox stage.
echo "hello from strata, built on $(uname -s) by $(id -un)"
