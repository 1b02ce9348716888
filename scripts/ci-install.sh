#!/usr/bin/env bash
# System packages the integration tests need (Debian 12), as root: Kamailio with its WebSocket
# modules, sipp, iproute2 for the network namespace, and Chromium for the inspector page test
# (driven by playwright-core, which never downloads a browser). npm dependencies come from `npm ci`.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y --no-install-recommends kamailio kamailio-websocket-modules sip-tester iproute2 chromium
# The kamailio package enables a unit that runs the stock config on every interface. The tests start
# their own Kamailio inside a network namespace, so stop and disable that unit where systemd runs.
if [ -d /run/systemd/system ] && command -v systemctl >/dev/null; then
  systemctl disable --now kamailio || true
fi
