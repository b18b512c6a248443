#!/bin/sh
# CI check of the Vagrantfile: `vagrant validate` for every topology and box family.
# Needs Debian's `vagrant` package; no provider, box or network access.
set -eu
# No update checks: CI reaches no network but the package registries.
export VAGRANT_CHECKPOINT_DISABLE=1 VAGRANT_BOX_UPDATE_CHECK_DISABLE=1
cd "$(dirname "$0")"
for topology in recipe multi; do
  for box in centos/7 rockylinux/9; do
    echo "vagrant validate: topology=$topology box=$box"
    PROVISION_TOPOLOGY=$topology PROVISION_BOX=$box vagrant validate --ignore-provider
  done
done
