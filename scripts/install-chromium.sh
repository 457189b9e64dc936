#!/bin/sh
# Installs headless Chromium for the report browser test (tests/GradScope.Tests/Reporting).
# Idempotent: does nothing when /usr/bin/chromium already exists. CI runs this and then sets
# GRADSCOPE_REQUIRE_BROWSER=1 so a missing browser fails the test instead of skipping it.
set -eu

if [ -x /usr/bin/chromium ]; then
    echo "chromium already installed: /usr/bin/chromium"
    exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
    SUDO=""
else
    SUDO="sudo"
fi

# Another apt process (e.g. unattended upgrades) holds the dpkg lock; wait instead of failing.
while pgrep -x apt-get >/dev/null 2>&1 || pgrep -x apt >/dev/null 2>&1 || pgrep -x dpkg >/dev/null 2>&1; do
    echo "waiting for another apt/dpkg process to finish..."
    sleep 5
done

$SUDO apt-get update
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y chromium
/usr/bin/chromium --version
