# Manual pages: written as .in files so the paths they name (FILES, defaults) follow configure.
man_MANS = man/presswatchd.8 man/presswatch.1 man/presswatch.conf.5
EXTRA_DIST += man/presswatchd.8.in
EXTRA_DIST += man/presswatch.1.in
EXTRA_DIST += man/presswatch.conf.5.in
CLEANFILES += $(man_MANS)
man/presswatchd.8: $(srcdir)/man/presswatchd.8.in Makefile
	$(pw_generate) $(srcdir)/man/presswatchd.8.in >$@.tmp && mv $@.tmp $@
man/presswatch.1: $(srcdir)/man/presswatch.1.in Makefile
	$(pw_generate) $(srcdir)/man/presswatch.1.in >$@.tmp && mv $@.tmp $@
man/presswatch.conf.5: $(srcdir)/man/presswatch.conf.5.in Makefile
	$(pw_generate) $(srcdir)/man/presswatch.conf.5.in >$@.tmp && mv $@.tmp $@
