#!/bin/sh
# RPM %preun: when the last version is removed (not on upgrade) stops and disables the agent.
# A lock holder stopping pauses its nodeos and releases the lock first, so a standby takes
# over. An upgrade leaves the running agent alone: restart it when it suits you (on the
# holder, after `eoskeeper switchover`).
if [ "$1" = 0 ] && [ -d /run/systemd/system ]; then
	systemctl --no-reload disable --now eoskeeper.service >/dev/null 2>&1 || true
fi
exit 0
