# presswatch: the query / tools CLI. Subcommands are listed in cli/commands.def, one per file.
bin_PROGRAMS += cli/presswatch
cli_presswatch_CFLAGS = $(AM_CFLAGS) $(PW_DEP_CFLAGS)
cli_presswatch_LDADD = feeds/libpresswatch.a $(PW_DEP_LIBS)
cli_presswatch_SOURCES =
cli_presswatch_SOURCES += cli/presswatch.c cli/cli.h cli/commands.def
cli_presswatch_SOURCES += cli/cmd_extract.c
