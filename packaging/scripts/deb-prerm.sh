#!/bin/sh
# Debian prerm: on removal (not on upgrade) stops the agent. A lock holder stopping pauses its
# nodeos and releases the lock first, so a standby takes over. An upgrade leaves the running
# agent alone: restart it when it suits you (on the holder, after `eoskeeper switchover`).
set -e
if [ -z "${DPKG_ROOT:-}" ] && [ "$1" = remove ] && [ -d /run/systemd/system ]; then
	deb-systemd-invoke stop eoskeeper.service >/dev/null || true
fi
exit 0
