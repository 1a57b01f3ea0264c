# presswatch: the query / tools CLI. Subcommands are listed in cli/commands.def, one per file.
bin_PROGRAMS += cli/presswatch
cli_presswatch_CFLAGS = $(AM_CFLAGS) $(PW_DEP_CFLAGS)
cli_presswatch_LDADD = feeds/libpresswatch.a $(PW_DEP_LIBS)
cli_presswatch_SOURCES =
cli_presswatch_SOURCES += cli/presswatch.c cli/cli.h cli/commands.def
cli_presswatch_SOURCES += cli/cmd_parse_feed.c
cli_presswatch_SOURCES += cli/cmd_extract.c
# Pure pieces of the CLI (no store, no globals), shared with the unit tests.
noinst_LIBRARIES += cli/libpwcli.a
cli_libpwcli_a_CFLAGS = $(AM_CFLAGS) $(PW_DEP_CFLAGS)
cli_libpwcli_a_SOURCES =
cli_libpwcli_a_SOURCES += cli/output.c cli/output.h
cli_libpwcli_a_SOURCES += cli/datespec.c cli/datespec.h
cli_presswatch_LDADD += cli/libpwcli.a feeds/libpresswatch.a $(PW_DEP_LIBS)
cli_presswatch_SOURCES += cli/cmd_similar.c
cli_presswatch_SOURCES += cli/cli_store.c cli/cli_store.h
cli_presswatch_SOURCES += cli/cli_args.c cli/cli_args.h
cli_presswatch_SOURCES += cli/cmd_items.c
cli_presswatch_SOURCES += cli/cmd_search.c
cli_presswatch_SOURCES += cli/cmd_show.c
cli_presswatch_SOURCES += cli/cmd_feeds.c
cli_presswatch_SOURCES += cli/cmd_stats.c
cli_presswatch_SOURCES += cli/cmd_stories.c
cli_presswatch_SOURCES += cli/cmd_import_opml.c
cli_presswatch_SOURCES += cli/cmd_export_opml.c
cli_libpwcli_a_SOURCES += cli/opml.c cli/opml.h
cli_presswatch_SOURCES += cli/cmd_alerts.c
