# Running presswatch as a service: the systemd unit, sysusers.d/tmpfiles.d snippets, the
# logrotate file, and the install layout of the configuration (sysconfdir/presswatch/).
# Files named *.in are filled in by make, not configure: configure would leave ${prefix}
# unexpanded in them (the automake manual's recommendation).  `pw_edit` is also used by
# man/local.mk.
pw_edit = sed \
	-e 's|@bindir[@]|$(bindir)|g' \
	-e 's|@sbindir[@]|$(sbindir)|g' \
	-e 's|@sysconfdir[@]|$(sysconfdir)|g' \
	-e 's|@localstatedir[@]|$(localstatedir)|g' \
	-e 's|@runstatedir[@]|$(runstatedir)|g' \
	-e 's|@docdir[@]|$(docdir)|g' \
	-e 's|@PACKAGE_VERSION[@]|$(PACKAGE_VERSION)|g'
pw_generate = $(AM_V_GEN)$(MKDIR_P) $(@D) && rm -f $@ $@.tmp && $(pw_edit)
if HAVE_LIBSYSTEMD
pw_unit_edit =
pw_have_libsystemd = yes
else
pw_have_libsystemd = no
# Without libsystemd presswatchd cannot send READY=1 or WATCHDOG=1.
pw_unit_edit = -e 's/^Type=notify$$/Type=exec/' -e '/WatchdogSec=/d' -e '/WATCHDOG=1/d'
endif

sysusersdir = $(prefix)/lib/sysusers.d
tmpfilesdir = $(prefix)/lib/tmpfiles.d
logrotatedir = $(sysconfdir)/logrotate.d
pkgsysconfdir = $(sysconfdir)/presswatch

systemdsystemunit_DATA = systemd/presswatch.service
sysusers_DATA = systemd/sysusers.d/presswatch.conf
tmpfiles_DATA = systemd/tmpfiles.d/presswatch.conf
logrotate_DATA = etc/logrotate.d/presswatch
EXTRA_DIST += systemd/presswatch.service.in
EXTRA_DIST += systemd/sysusers.d/presswatch.conf.in
EXTRA_DIST += systemd/tmpfiles.d/presswatch.conf.in
EXTRA_DIST += etc/logrotate.d/presswatch.in
CLEANFILES += systemd/presswatch.service
CLEANFILES += systemd/sysusers.d/presswatch.conf
CLEANFILES += systemd/tmpfiles.d/presswatch.conf
CLEANFILES += etc/logrotate.d/presswatch

systemd/presswatch.service: $(srcdir)/systemd/presswatch.service.in Makefile
	$(pw_generate) $(pw_unit_edit) $(srcdir)/systemd/presswatch.service.in >$@.tmp && mv $@.tmp $@
systemd/sysusers.d/presswatch.conf: $(srcdir)/systemd/sysusers.d/presswatch.conf.in Makefile
	$(pw_generate) $(srcdir)/systemd/sysusers.d/presswatch.conf.in >$@.tmp && mv $@.tmp $@
systemd/tmpfiles.d/presswatch.conf: $(srcdir)/systemd/tmpfiles.d/presswatch.conf.in Makefile
	$(pw_generate) $(srcdir)/systemd/tmpfiles.d/presswatch.conf.in >$@.tmp && mv $@.tmp $@
etc/logrotate.d/presswatch: $(srcdir)/etc/logrotate.d/presswatch.in Makefile
	$(pw_generate) $(srcdir)/etc/logrotate.d/presswatch.in >$@.tmp && mv $@.tmp $@

# Configuration: presswatch.conf, feeds.conf, topics.conf and feeds.d/*.conf go to
# sysconfdir/presswatch/, with the state and log paths rewritten for --localstatedir.  An
# installed file the admin has changed is kept; the new default is put beside it as FILE.new.
pw_conf_edit = $(pw_edit) \
	-e 's|/var/lib/presswatch|$(localstatedir)/lib/presswatch|g' \
	-e 's|/var/log/presswatch|$(localstatedir)/log/presswatch|g'
pw_conf_files = presswatch.conf feeds.conf topics.conf
install-data-local: pw-install-conf
uninstall-local: pw-uninstall-conf
install-data-hook: pw-postinstall
pw-install-conf:
	$(MKDIR_P) '$(DESTDIR)$(pkgsysconfdir)/feeds.d'
	@set -e; tmp=pw-install-conf.tmp; \
	for f in $(pw_conf_files) `cd $(srcdir)/etc && ls feeds.d/*.conf 2>/dev/null`; do \
	  test -f "$(srcdir)/etc/$$f" || { echo "presswatch: $(srcdir)/etc/$$f is missing" >&2; exit 1; }; \
	  $(pw_conf_edit) "$(srcdir)/etc/$$f" >$$tmp; \
	  dst='$(DESTDIR)$(pkgsysconfdir)/'$$f; \
	  if test -f "$$dst" && ! cmp -s $$tmp "$$dst"; then \
	    echo " keeping $$dst (changed); new default: $$dst.new"; \
	    $(INSTALL_DATA) $$tmp "$$dst.new"; \
	  else \
	    echo " $(INSTALL_DATA) etc/$$f '$$dst'"; \
	    $(INSTALL_DATA) $$tmp "$$dst"; \
	  fi; \
	done; rm -f $$tmp
pw-uninstall-conf:
	@for f in $(pw_conf_files) `cd $(srcdir)/etc && ls feeds.d/*.conf 2>/dev/null`; do \
	  echo " rm -f '$(DESTDIR)$(pkgsysconfdir)/'$$f"; \
	  rm -f "$(DESTDIR)$(pkgsysconfdir)/$$f" "$(DESTDIR)$(pkgsysconfdir)/$$f.new"; \
	done
# Installing into the live system (no DESTDIR, as root, into directories systemd reads):
# create the presswatch user and the state/log directories now, so that
# `systemctl enable --now presswatch` works right after `make install`.  Package builds
# (DESTDIR) do this in their post-install scripts instead.
pw-postinstall:
	@if test -z '$(DESTDIR)' && test "`id -u`" = 0 && command -v systemd-sysusers >/dev/null 2>&1; then \
	  case '$(sysusersdir)' in \
	  /usr/lib/sysusers.d|/lib/sysusers.d|/usr/local/lib/sysusers.d|/etc/sysusers.d) \
	    echo " systemd-sysusers $(sysusersdir)/presswatch.conf"; \
	    systemd-sysusers '$(sysusersdir)/presswatch.conf' || exit 1; \
	    echo " systemd-tmpfiles --create $(tmpfilesdir)/presswatch.conf"; \
	    systemd-tmpfiles --create '$(tmpfilesdir)/presswatch.conf' || exit 1;; \
	  esac; \
	fi
# For tests/install/test_install.sh: the layout this build installs.
pw-print-dirs:
	@echo "prefix='$(prefix)' bindir='$(bindir)' sbindir='$(sbindir)' sysconfdir='$(sysconfdir)'"
	@echo "localstatedir='$(localstatedir)' runstatedir='$(runstatedir)' mandir='$(mandir)'"
	@echo "systemdsystemunitdir='$(systemdsystemunitdir)' sysusersdir='$(sysusersdir)'"
	@echo "tmpfilesdir='$(tmpfilesdir)' logrotatedir='$(logrotatedir)' pkgsysconfdir='$(pkgsysconfdir)'"
	@echo "bin_programs='$(bin_PROGRAMS)' sbin_programs='$(sbin_PROGRAMS)' have_libsystemd='$(pw_have_libsystemd)'"
.PHONY: pw-install-conf pw-uninstall-conf pw-postinstall pw-print-dirs
