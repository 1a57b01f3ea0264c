# Manual pages: written as .in files so the paths they name (FILES, defaults) follow configure.
man_MANS = man/presswatchd.8 man/presswatch.1 man/presswatch.conf.5
EXTRA_DIST += man/presswatchd.8.in
EXTRA_DIST += man/presswatch.1.in
EXTRA_DIST += man/presswatch.conf.5.in
CLEANFILES += $(man_MANS)
# After the substitutions, every '/' inside a word gets a break point (\:, invisible), so that
# paths under a long --prefix can still be broken across lines instead of overflowing.
pw_man_generate = $(pw_generate) -e '/^\.\\"/!s|/\([A-Za-z0-9_*]\)|/\\:\1|g'
man/presswatchd.8: $(srcdir)/man/presswatchd.8.in Makefile
	$(pw_man_generate) $(srcdir)/man/presswatchd.8.in >$@.tmp && mv $@.tmp $@
man/presswatch.1: $(srcdir)/man/presswatch.1.in Makefile
	$(pw_man_generate) $(srcdir)/man/presswatch.1.in >$@.tmp && mv $@.tmp $@
man/presswatch.conf.5: $(srcdir)/man/presswatch.conf.5.in Makefile
	$(pw_man_generate) $(srcdir)/man/presswatch.conf.5.in >$@.tmp && mv $@.tmp $@
