#!/usr/bin/env bash
# System packages the integration and browser tests need (Debian 12), as root: Kamailio with its
# WebSocket modules, sipp, Debian's Chromium for the demo's end-to-end tests and the inspector page
# test (never a downloaded browser), and iproute2 for the network namespace. npm dependencies come from `npm ci`.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y --no-install-recommends kamailio kamailio-websocket-modules sip-tester chromium iproute2
# The kamailio package enables a unit that runs the stock config on every interface. The tests start
# their own Kamailio inside a network namespace, so stop and disable that unit where systemd runs.
if [ -d /run/systemd/system ] && command -v systemctl >/dev/null; then
  systemctl disable --now kamailio || true
fi
