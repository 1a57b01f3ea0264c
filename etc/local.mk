# Configuration files shipped in the tarball (installation layout: see the service setup).
EXTRA_DIST += etc/presswatch.conf
EXTRA_DIST += etc/feeds.conf
EXTRA_DIST += etc/topics.conf
EXTRA_DIST += etc/demo/presswatch.conf
EXTRA_DIST += etc/demo/feeds.conf
