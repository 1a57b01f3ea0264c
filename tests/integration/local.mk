# Integration tests: the real presswatchd against tests/integration/server.py on 127.0.0.1.
EXTRA_DIST += tests/integration/lib.sh tests/integration/server.py
EXTRA_DIST += tests/fixtures/daemon
TESTS += tests/integration/poll.sh
TESTS += tests/integration/redirect.sh
TESTS += tests/integration/throttle.sh
TESTS += tests/integration/faults.sh
TESTS += tests/integration/lifecycle.sh
EXTRA_DIST += tests/integration/poll.sh
EXTRA_DIST += tests/integration/redirect.sh
EXTRA_DIST += tests/integration/throttle.sh
EXTRA_DIST += tests/integration/faults.sh
EXTRA_DIST += tests/integration/lifecycle.sh
